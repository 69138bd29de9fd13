/**
 * The vocabulary of a client, shared by every other package: its kind (hermit or subnet), its
 * status and the operating system its archive is made for. Plain values; depends on nothing.
 */
package net.v6broker.client;
