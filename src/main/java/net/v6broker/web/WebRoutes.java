package net.v6broker.web;

import net.v6broker.error.BrokerException;

import net.v6broker.error.InvalidInputException;

import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import net.v6broker.api.Auth;
import net.v6broker.api.AuditView;
import net.v6broker.broker.Actor;
import net.v6broker.api.BrokerOps;
import net.v6broker.api.Listing;
import net.v6broker.api.PlanUsage;
import net.v6broker.api.RateLimiter;
import net.v6broker.api.Services;
import net.v6broker.api.SubscriptionViews;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Subscriptions;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Region;
import net.v6broker.api.RegionUsage;
import java.time.Instant;
import net.v6broker.api.Traffic;
import net.v6broker.api.TrafficSeries;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.broker.Outcome;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientKind;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.AuditRow;
import net.v6broker.store.SessionRow;

/**
 * The server-rendered web UI: the public subscription form and a subscriber's tunnel page, the
 * one-time download page, and the operators' dashboard, client pages and address-plan picture.
 * Handlers read, validate, call the same broker and workflow as the JSON API, and render HTML;
 * every POST carries a CSRF token. Thread-safe.
 */
final class WebRoutes {
    private final Services s;
    private final Auth auth;
    private final Subscriptions subscriptions;
    private final RateLimiter subscribeLimit;
    private final RateLimiter logins;
    private final WebSessions sessions;

    /** @param logins web logins (operator and subscriber) per client address: each makes a stored session */
    WebRoutes(Services services, Auth auth, RateLimiter subscribeLimit, RateLimiter logins, WebSessions sessions) {
        this.s = services;
        this.auth = auth;
        this.subscriptions = services.subscriptions();
        this.subscribeLimit = subscribeLimit;
        this.logins = logins;
        this.sessions = sessions;
    }

    /** Refuses a login beyond the address's allowance (429): logins are what fill the session store. */
    private void limitLogins(Context ctx) {
        if (!logins.tryAcquire(Auth.client(ctx))) {
            throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "too many logins from this address; wait a minute");
        }
    }

    void register(JavalinDefaultRoutingApi app) {
        app.get("/", ctx -> ctx.redirect(sessions.current(ctx).map(x -> x.operator() != null ? "/admin" : "/my").orElse("/subscribe")));
        app.get("/subscribe", ctx -> html(ctx, 200, "subscribe.jte", new Pages.Subscribe(frame(ctx, "Subscribe", null), offeredSizes())));
        app.post("/subscribe", this::subscribe);
        app.get("/status", ctx -> html(ctx, 200, "status.jte", new Pages.StatusForm(frame(ctx, "My tunnel", null))));
        app.post("/status", this::status);
        app.get("/my", this::my);
        app.post("/my/link", this::myLink);
        app.get("/download/{secret}", this::downloadPage);
        app.post("/download/{secret}", this::download);
        app.get("/login", ctx -> html(ctx, 200, "login.jte", new Pages.Login(frame(ctx, "Operator login", null), null)));
        app.post("/login", this::login);
        app.post("/logout", ctx -> {
            sessions.check(ctx);
            sessions.end(ctx);
            ctx.redirect("/login");
        });
        app.get("/admin", this::dashboard);
        app.get("/admin/plan", this::plan);
        app.get("/admin/clients/{name}", this::clientPage);
        app.post("/admin/clients/{name}/revoke", ctx -> change(ctx, BrokerOps::revoke, "revoked"));
        app.post("/admin/clients/{name}/suspend", ctx -> change(ctx, BrokerOps::suspend, "suspended"));
        app.post("/admin/clients/{name}/resume", ctx -> change(ctx, BrokerOps::resume, "resumed"));
        app.post("/admin/clients/{name}/renew", ctx -> change(ctx, BrokerOps::renew, "renewed"));
        app.post("/admin/clients/{name}/delete", ctx -> change(ctx, BrokerOps::delete, "deleted"));
        app.post("/admin/clients/{name}/export", this::export);
        app.post("/admin/requests/{id}/approve", ctx -> decide(ctx, true));
        app.post("/admin/requests/{id}/reject", ctx -> decide(ctx, false));
    }

    // ---- public: subscription

    private void subscribe(Context ctx) {
        sessions.check(ctx);
        if (!subscribeLimit.tryAcquire(Auth.client(ctx))) {
            throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "too many subscription requests from this address; try again later");
        }
        Subscriptions.Submitted sub = subscriptions.submit(ctx.formParam("name"), ctx.formParam("email"),
                ctx.formParam("type"), ctx.formParam("size"), ctx.formParam("os"), ctx.formParam("reason"), ctx.ip());
        html(ctx, 201, "received.jte", new Pages.Received(frame(ctx, "Request received", null), sub.request().name(),
                sub.request().id(), sub.token()));
    }

    private void status(Context ctx) {
        sessions.check(ctx);
        String token = ctx.formParam("token");
        RequestRow r = auth.subscriber(token == null ? null : token.strip())
                .orElseThrow(() -> auth.fail(ctx, "unknown token: check that you copied all of it"));
        limitLogins(ctx);
        sessions.start(ctx, null, null, r.id());
        ctx.redirect("/my");
    }

    private RequestRow subscriberRequest(Context ctx) {
        WebSessions.Session session = sessions.current(ctx).filter(x -> x.requestId() != null).orElseThrow(() ->
                new BrokerException(BrokerException.Kind.UNAUTHORIZED, "enter your token first"));
        return subscriptions.request(session.requestId());
    }

    private void my(Context ctx) {
        Optional<WebSessions.Session> session = sessions.current(ctx).filter(x -> x.requestId() != null);
        if (session.isEmpty()) {
            ctx.redirect("/status");
            return;
        }
        RequestRow r = subscriptions.request(session.get().requestId());
        html(ctx, 200, "my.jte", myPage(ctx, r, null));
    }

    @SuppressWarnings("unchecked")
    private Pages.My myPage(Context ctx, RequestRow r, Subscriptions.Link link) {
        Pages.Frame frame = frame(ctx, "My tunnel", null);
        Map<String, Object> t = (Map<String, Object>) SubscriptionViews.info(s, r).get("tunnel");
        if (t == null) {
            String message = r.status().equals("pending") ? "Your request waits for an operator. Come back later with your token."
                    : r.status().equals("rejected") ? "Your request was not approved." : "Your tunnel no longer exists.";
            return new Pages.My(frame, r.name(), r.status(), message, List.of(), null, null, null, false);
        }
        List<Pages.Fact> facts = List.of(
                Pages.Fact.of("Tunnel state", t.get("status")),
                Pages.Fact.of(r.type() == ClientKind.HERMIT ? "Your address" : "Your prefix", t.get("prefix")),
                Pages.Fact.of("Tunnel address (server)", t.get("transferServer")),
                Pages.Fact.of("Tunnel address (you)", t.get("transferClient")),
                Pages.Fact.of("Server", t.get("endpoint")),
                Pages.Fact.of("Connected", Boolean.TRUE.equals(t.get("connected")) ? "yes, since " + t.get("connectedSince") : "no"),
                Pages.Fact.of("Traffic", "in " + Pages.bytes((Long) t.get("bytesIn")) + " · out " + Pages.bytes((Long) t.get("bytesOut"))),
                Pages.Fact.of("Certificate valid until", t.get("certificateNotAfter")));
        return new Pages.My(frame, r.name(), r.status(), (String) t.get("certificateNotice"), facts, link == null ? null : link.path(),
                link == null ? null : ctx.scheme() + "://" + ctx.host() + link.path(),
                link == null ? null : link.expiresAt().toString(), !"revoked".equals(t.get("status")));
    }

    private void myLink(Context ctx) {
        sessions.check(ctx);
        RequestRow r = subscriberRequest(ctx);
        Subscriptions.Link link = subscriptions.issueLink(r);
        html(ctx, 201, "my.jte", myPage(ctx, subscriptions.request(r.id()), link));
    }

    private void downloadPage(Context ctx) {
        String secret = ctx.pathParam("secret");
        RequestRow r = subscriptions.linkTarget(secret);
        html(ctx, 200, "download.jte", new Pages.Download(frame(ctx, "Download", null), r.name(), r.linkExpiresAt().toString(),
                secret));
    }

    private void download(Context ctx) {
        sessions.check(ctx);
        String format = ctx.formParam("format");
        ExportRequest req = ExportRequest.parse(format == null ? "ovpn" : format, "shared", null);
        SubscriptionViews.Download d = SubscriptionViews.download(s, ctx.pathParam("secret"), req);
        ctx.header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
        ctx.contentType(d.contentType()).result(d.bytes());
    }

    // ---- operators

    private void login(Context ctx) {
        sessions.check(ctx);
        String token = ctx.formParam("token");
        Auth.Operator op = auth.operatorByToken(ctx, token == null ? null : token.strip())
                .orElseThrow(() -> auth.fail(ctx, "unknown or revoked token"));
        limitLogins(ctx);
        sessions.start(ctx, op.name(), op.tokenId(), null);
        ctx.redirect("/admin");
    }

    private String operator(Context ctx) {
        String op = sessions.current(ctx).map(WebSessions.Session::operator)
                .orElseThrow(() -> new BrokerException(BrokerException.Kind.UNAUTHORIZED, "log in as an operator first"));
        Auth.vouch(ctx, op);
        return op;
    }

    private void dashboard(Context ctx) {
        String op = operator(ctx);
        Listing l = Listing.parse(ctx.queryParam("q"), ctx.queryParam("status"), ctx.queryParam("type"),
                ctx.queryParam("offset"), ctx.queryParam("limit"), s.limits().pageSizeMax());
        Listing.Page<Client> page = l.apply(s.broker());
        Broker.Counts counts = s.broker().counts();
        Traffic traffic = Traffic.live(s.store());
        List<Pages.Stat> stats = List.of(new Pages.Stat("clients", counts.total()),
                new Pages.Stat("active", counts.of(ClientStatus.ACTIVE)),
                new Pages.Stat("connected", traffic.byName().size()),
                new Pages.Stat("pending requests", subscriptions.count("pending")));
        List<Pages.ClientLine> lines = new ArrayList<>();
        for (Client c : page.items()) {
            Optional<SessionRow> live = traffic.bySession(c.name());
            lines.add(new Pages.ClientLine(c, live.map(SessionRow::realAddress).orElse(null),
                    live.map(x -> Pages.bytes(x.bytesIn())).orElse(""), live.map(x -> Pages.bytes(x.bytesOut())).orElse("")));
        }
        BrokerTraffic broker = brokerTraffic();
        html(ctx, 200, "dashboard.jte", new Pages.Dashboard(frame(ctx, "Dashboard", op), done(ctx), stats,
                subscriptions.list("pending", 0, 50), offeredSizes(), l.q(), l.status() == null ? "" : l.status().dbName(),
                l.type() == null ? "" : l.type().cliName(), lines, pager(l, page), broker.chart(), broker.top()));
    }

    /** The dashboard's traffic: the broker's last day drawn, and the month's ten busiest clients. */
    private record BrokerTraffic(Instant at, String chart, List<TrafficSeries.Top> top) {
    }

    /**
     * Made at most once a minute: it scans a month of every client's sessions (millions of rows at
     * 100,000 clients), and the dashboard is viewed far more often than a chart of hours changes.
     */
    private volatile BrokerTraffic brokerTraffic;

    private BrokerTraffic brokerTraffic() {
        Instant now = s.clock().instant();
        BrokerTraffic t = brokerTraffic;
        if (t == null || !now.isBefore(t.at().plus(java.time.Duration.ofMinutes(1)))) {
            t = new BrokerTraffic(now, TrafficChart.svg(TrafficSeries.of(s.store(), null, TrafficSeries.Period.DAY, now),
                    "traffic of the broker, last 24 hours"), TrafficSeries.top(s.store(), TrafficSeries.Period.MONTH, now, 10));
            brokerTraffic = t;
        }
        return t;
    }

    /** The subnet sizes the plan offers, largest block last (64, 60, 56, 48 as far as it has them). */
    private List<Integer> offeredSizes() {
        return s.broker().plan().regions().stream().map(Region::size).sorted(java.util.Comparator.reverseOrder()).toList();
    }

    /** The message of a change just made (after its redirect), if short enough to be one. */
    private static String done(Context ctx) {
        String done = ctx.queryParam("done");
        return done != null && done.length() <= 100 ? done : null;
    }

    private static Pages.Pager pager(Listing l, Listing.Page<Client> page) {
        long total = page.total();
        long from = total == 0 ? 0 : l.offset() + 1;
        long to = Math.min(total, (long) l.offset() + l.limit());
        String base = "/admin?q=" + url(l.q()) + "&status=" + (l.status() == null ? "" : l.status().dbName())
                + "&type=" + (l.type() == null ? "" : l.type().cliName()) + "&limit=" + l.limit() + "&offset=";
        return new Pages.Pager(from, to, total, l.offset() > 0 ? base + Math.max(0, l.offset() - l.limit()) : null,
                to < total ? base + (l.offset() + l.limit()) : null);
    }

    private static String url(String v) {
        return v == null ? "" : java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void clientPage(Context ctx) {
        String op = operator(ctx);
        Client c = s.broker().show(Validation.name(ctx.pathParam("name")));
        List<SessionRow> history = s.store().read(tx -> tx.sessionsOf(c.name(), 20));
        List<AuditRow> audit = AuditView.newest(s.store(), c.name(), 50);
        String base = "/admin/clients/" + c.name();
        List<Pages.Fact> facts = List.of(
                Pages.Fact.of("Kind", c.type().cliName()), Pages.Fact.of("OS", c.os().cliName()),
                Pages.Fact.of("E-mail", c.email() == null ? "—" : c.email()),
                Pages.Fact.of(c.type() == ClientKind.HERMIT ? "Address" : "Prefix", c.assignment().prefix()),
                Pages.Fact.of("Transfer (server)", c.assignment().transferServer()),
                Pages.Fact.of("Transfer (client)", c.assignment().transferClient()),
                Pages.Fact.of("Certificate serial", c.serial()),
                Pages.Fact.of("Valid", c.notBefore() + " – " + c.notAfter()),
                Pages.Fact.of("Created", c.createdAt()));
        List<Pages.Button> actions = new ArrayList<>();
        if (c.status() == ClientStatus.ACTIVE) {
            actions.add(new Pages.Button(base + "/suspend", "Suspend", ""));
        }
        if (c.status() == ClientStatus.SUSPENDED) {
            actions.add(new Pages.Button(base + "/resume", "Resume", "primary"));
        }
        if (c.status() != ClientStatus.REVOKED) {
            actions.add(new Pages.Button(base + "/renew", "Renew certificate", ""));
            actions.add(new Pages.Button(base + "/revoke", "Revoke", "danger"));
        }
        actions.add(new Pages.Button(base + "/delete", "Delete", "danger"));
        html(ctx, 200, "client.jte", new Pages.ClientPage(frame(ctx, c.name(), op), done(ctx), c, facts, actions,
                c.status() != ClientStatus.REVOKED ? base + "/export" : null, history, audit,
                TrafficChart.svg(TrafficSeries.of(s.store(), c.name(), TrafficSeries.Period.DAY, s.clock().instant()),
                        "traffic of " + c.name() + ", last 24 hours"),
                TrafficChart.svg(TrafficSeries.of(s.store(), c.name(), TrafficSeries.Period.MONTH, s.clock().instant()),
                        "traffic of " + c.name() + ", last 30 days")));
    }

    private void change(Context ctx, BiFunction<BrokerOps, String, Outcome<Client>> action, String past) {
        Actor actor = Actor.web(operator(ctx), ctx.ip());
        sessions.check(ctx);
        String name = Validation.name(ctx.pathParam("name"));
        Outcome<Client> o = action.apply(s.broker().as(actor), name);
        String msg = o.value().name() + " " + past;
        ctx.redirect(past.equals("deleted") ? "/admin?done=" + url(msg) : "/admin/clients/" + o.value().name() + "?done=" + url(msg));
    }

    private void export(Context ctx) {
        operator(ctx);
        sessions.check(ctx);
        Client c = s.broker().show(Validation.name(ctx.pathParam("name")));
        String format = ctx.formParam("format");
        ExportRequest req = ExportRequest.parse(format == null ? "ovpn" : format, "shared", null);
        byte[] bytes = s.exporter().render(c, req);
        ctx.header("Content-Disposition", "attachment; filename=\"" + c.name() + "." + req.format().extension() + "\"");
        ctx.contentType("application/octet-stream").result(bytes);
    }

    private void decide(Context ctx, boolean approve) {
        Actor op = Actor.web(operator(ctx), ctx.ip());
        sessions.check(ctx);
        String idText = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("request id " + Validation.quote(idText) + " is not a number");
        }
        String size = ctx.formParam("size");
        RequestRow r = approve ? subscriptions.approve(id, op, size == null || size.isBlank() ? null : NewClient.parseSize(size))
                : subscriptions.reject(id, op);
        ctx.redirect("/admin?done=" + url("request " + r.id() + " (" + r.name() + ") " + r.status()));
    }

    /** The plan page: {@code ?region=56} picks a region (default: the /64s), {@code &from=K&to=L} a window of its blocks. */
    private void plan(Context ctx) {
        String op = operator(ctx);
        AddressPlan plan = s.broker().plan();
        Instant now = s.clock().instant();
        PlanUsage usage = PlanUsage.of(plan, s.store(), now);
        String region = ctx.queryParam("region");
        RegionUsage view = null;
        if (region != null || !plan.regions().isEmpty()) {
            int size = region == null ? offeredSizes().get(0) : NewClient.parseSize(region);
            view = RegionUsage.of(plan, size, block("from", ctx.queryParam("from")), block("to", ctx.queryParam("to")), s.store(), now);
        }
        html(ctx, 200, "plan.jte", PlanPage.of(frame(ctx, "Address plan", op), usage, view));
    }

    private static Long block(String what, String text) {
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-9]{1,18}")) {
            throw new InvalidInputException(what + " " + Validation.quote(text) + ": accepted a block number (digits)");
        }
        return Long.parseLong(text);
    }

    // ---- rendering

    private Pages.Frame frame(Context ctx, String title, String operator) {
        return new Pages.Frame(title, operator, sessions.csrf(ctx), operator == null ? List.of() : s.warnings().get());
    }

    private static void html(Context ctx, int status, String template, Object page) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(Pages.render(template, page));
    }
}
