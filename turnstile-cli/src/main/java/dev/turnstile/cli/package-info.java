/**
 * The {@code turnstile} command: picocli commands that parse, build a config and call the
 * library. No server logic lives here.
 */
package dev.turnstile.cli;
