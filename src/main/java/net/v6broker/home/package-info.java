/**
 * A broker home as a whole: creating it ({@code init}), joining a broker as a further node, opening
 * its database after checking that it is this broker's, loading its CA, and checking its files at
 * the daemon's start. Wires the packages below it; none of them depends on it.
 */
package net.v6broker.home;
