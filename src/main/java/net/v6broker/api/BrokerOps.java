package net.v6broker.api;

import net.v6broker.broker.Actor;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Outcome;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.store.ClientQuery;
import net.v6broker.store.CrlRow;

/** What the HTTP layer needs from the broker: the same operations the command line calls. */
public interface BrokerOps {
    AddressPlan plan();

    /** One page of the clients a query selects ({@link Broker#page}). */
    Broker.Page page(ClientQuery q, long offset, int limit);

    /** Live clients by state and kind ({@link Broker#counts}). */
    Broker.Counts counts();

    Client show(String name);

    Outcome<Client> add(NewClient request);

    Outcome<Client> revoke(String name);

    Outcome<Client> suspend(String name);

    Outcome<Client> resume(String name);

    Outcome<Client> renew(String name);

    Outcome<Client> delete(String name);

    CrlRow currentCrl();

    /** The same operations, their changes recorded in the audit trail as {@code actor}'s ({@link Broker#as}). */
    BrokerOps as(Actor actor);

    /** The broker itself behind this interface. */
    static BrokerOps of(Broker b) {
        return new BrokerOps() {
            @Override
            public AddressPlan plan() {
                return b.plan();
            }

            @Override
            public Broker.Page page(ClientQuery q, long offset, int limit) {
                return b.page(q, offset, limit);
            }

            @Override
            public Broker.Counts counts() {
                return b.counts();
            }

            @Override
            public Client show(String name) {
                return b.show(name);
            }

            @Override
            public Outcome<Client> add(NewClient request) {
                return b.add(request);
            }

            @Override
            public Outcome<Client> revoke(String name) {
                return b.revoke(name);
            }

            @Override
            public Outcome<Client> suspend(String name) {
                return b.suspend(name);
            }

            @Override
            public Outcome<Client> resume(String name) {
                return b.resume(name);
            }

            @Override
            public Outcome<Client> renew(String name) {
                return b.renew(name);
            }

            @Override
            public Outcome<Client> delete(String name) {
                return b.delete(name);
            }

            @Override
            public CrlRow currentCrl() {
                return b.currentCrl();
            }

            @Override
            public BrokerOps as(Actor actor) {
                return of(b.as(actor));
            }
        };
    }
}
