/**
 * The one family of failures ({@link net.v6broker.error.BrokerException} and its kinds), which the
 * command line and the HTTP layer each map in one table. Depends on nothing.
 */
package net.v6broker.error;
