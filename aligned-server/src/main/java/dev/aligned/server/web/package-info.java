/**
 * The dashboard: server-rendered HTML pages and the JSON API ({@code /api/v1}) over the report store, with
 * logins, sessions, API tokens, CSRF protection, rate limits, health and Prometheus metrics; entry class
 * {@link dev.aligned.server.web.WebServer}.
 */
package dev.aligned.server.web;
