/**
 * The service API every server model drives, and the narrow interface every model implements.
 *
 * <p>A service is written once. A {@link dev.turnstile.api.FramedService} gets whole messages
 * from a {@link dev.turnstile.api.Framer} and answers through {@link dev.turnstile.api.Replies};
 * it never touches a socket or a thread, so blocking models, event loops and worker processes
 * all run it unchanged. A {@link dev.turnstile.api.SessionService} instead owns a blocking
 * conversation; only models that give each connection a thread or a process can run it.
 *
 * <p>This package depends on the JDK alone.
 */
package dev.turnstile.api;
