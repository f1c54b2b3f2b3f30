package dev.turnstile.bench;
