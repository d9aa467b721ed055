/** Test fixtures shared by the store tests and the modules above (a real PostgreSQL started for tests). */
package dev.aligned.store.testing;
