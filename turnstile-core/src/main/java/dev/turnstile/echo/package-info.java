/** The notes' service: echo each message back uppercased. */
package dev.turnstile.echo;
