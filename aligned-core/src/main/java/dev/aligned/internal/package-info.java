/** Shared parsing helpers (tag=value lists, positions, ASCII case folding); not part of the public API. */
package dev.aligned.internal;
