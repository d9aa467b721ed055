/** DNS as one injected method with a closed set of outcomes, domain names, and fixture resolvers for tests. */
package dev.aligned.dns;
