/** The production resolver on dnsjava; the only code in Aligned that touches {@code org.xbill.DNS}. */
package dev.aligned.dns.dnsjava;
