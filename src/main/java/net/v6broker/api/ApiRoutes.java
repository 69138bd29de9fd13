package net.v6broker.api;

import net.v6broker.error.BrokerException;

import net.v6broker.error.InvalidInputException;

import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import net.v6broker.broker.Actor;
import net.v6broker.broker.Client;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Outcome;
import net.v6broker.broker.Subscriptions;
import net.v6broker.config.Validation;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.store.AuditRow;
import net.v6broker.store.SessionRow;

/**
 * The JSON API under {@code /api/v1}. Each handler reads, validates, calls the broker (or the
 * subscription workflow), applies the effects as the command line does, and renders; failures go
 * to {@link Errors}. Described by {@code /api/v1/openapi.json}. Thread-safe.
 */
public final class ApiRoutes {
    public static final String PREFIX = "/api/v1";
    private static final Set<String> CLIENT_FIELDS = Set.of("name", "type", "size", "os", "email");
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("name", "email", "type", "size", "os", "reason");
    private static final Set<String> APPROVE_FIELDS = Set.of("size");
    private final Services s;
    private final Auth auth;
    private final Subscriptions subscriptions;
    private final RateLimiter subscribeLimit;
    private final String openapi;

    public ApiRoutes(Services services, Auth auth, RateLimiter subscribeLimit) {
        this.s = services;
        this.auth = auth;
        this.subscriptions = services.subscriptions();
        this.subscribeLimit = subscribeLimit;
        this.openapi = resource("/web/openapi.json");
    }

    public void register(JavalinDefaultRoutingApi app) {
        app.get(PREFIX + "/health", this::health);
        app.get(PREFIX + "/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));

        app.get(PREFIX + "/clients", this::listClients);
        app.post(PREFIX + "/clients", this::addClient);
        app.get(PREFIX + "/clients/{name}", this::showClient);
        app.delete(PREFIX + "/clients/{name}", ctx -> change(ctx, BrokerOps::delete));
        app.post(PREFIX + "/clients/{name}/revoke", ctx -> change(ctx, BrokerOps::revoke));
        app.post(PREFIX + "/clients/{name}/suspend", ctx -> change(ctx, BrokerOps::suspend));
        app.post(PREFIX + "/clients/{name}/resume", ctx -> change(ctx, BrokerOps::resume));
        app.post(PREFIX + "/clients/{name}/renew", ctx -> change(ctx, BrokerOps::renew));
        app.get(PREFIX + "/clients/{name}/profile", this::profile);
        app.get(PREFIX + "/clients/{name}/sessions", this::clientSessions);
        app.get(PREFIX + "/sessions", this::sessions);
        app.get(PREFIX + "/plan", this::plan);
        app.get(PREFIX + "/audit", this::audit);
        app.get(PREFIX + "/reclaim", this::reclaim);
        app.get(PREFIX + "/traffic", this::traffic);
        app.get(PREFIX + "/traffic/top", this::trafficTop);
        app.get(PREFIX + "/ca/certificate", ctx -> {
            auth.operator(ctx);
            ctx.contentType("application/x-pem-file").result(s.caCertificate().get());
        });
        app.get(PREFIX + "/ca/crl", ctx -> {
            auth.operator(ctx);
            ctx.contentType("application/x-pem-file").result(s.broker().currentCrl().pem());
        });

        app.post(PREFIX + "/subscriptions", this::subscribe);
        app.get(PREFIX + "/subscriptions", this::listRequests);
        app.get(PREFIX + "/subscriptions/{id}", ctx -> {
            auth.operator(ctx);
            json(ctx, 200, SubscriptionViews.json(subscriptions.request(id(ctx))));
        });
        app.post(PREFIX + "/subscriptions/{id}/approve", this::approve);
        app.post(PREFIX + "/subscriptions/{id}/reject", ctx -> {
            Actor actor = actor(ctx, auth.operator(ctx));
            emptyBody(ctx);
            json(ctx, 200, SubscriptionViews.json(subscriptions.reject(id(ctx), actor)));
        });

        app.get(PREFIX + "/me", ctx -> json(ctx, 200, SubscriptionViews.info(s, auth.subscriber(ctx))));
        app.post(PREFIX + "/me/download-link", ctx -> {
            RequestRow r = auth.subscriber(ctx);
            emptyBody(ctx);
            Subscriptions.Link link = subscriptions.issueLink(r);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", link.path());
            m.put("expiresAt", link.expiresAt().toString());
            json(ctx, 201, m);
        });
        app.post(PREFIX + "/downloads/{secret}", ctx -> {
            emptyBody(ctx);
            ExportRequest req = exportRequest(ctx);
            send(ctx, SubscriptionViews.download(s, ctx.pathParam("secret"), req));
        });
    }

    // ---- handlers

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.putAll(s.health().get());
        json(ctx, "ok".equals(body.get("status")) ? 200 : 503, body);
    }

    private void listClients(Context ctx) {
        auth.operator(ctx);
        Listing l = Listing.parse(ctx.queryParam("q"), ctx.queryParam("status"), ctx.queryParam("type"),
                ctx.queryParam("offset"), ctx.queryParam("limit"), s.limits().pageSizeMax());
        Listing.Page<Client> page = l.apply(s.broker());
        json(ctx, 200, new Listing.Page<>(page.total(), page.offset(), page.limit(),
                page.items().stream().map(c -> ClientJson.of(c, false)).toList()));
    }

    private void addClient(Context ctx) {
        BrokerOps broker = s.broker().as(actor(ctx, auth.operator(ctx)));
        Json.Body b = body(ctx, CLIENT_FIELDS);
        NewClient request = NewClient.parse(b.required("name"), b.required("type"), b.text("os"), b.text("email"));
        Integer size = b.integer("size");
        request = size == null ? request : request.withSize(size);
        String key = ctx.header("Idempotency-Key");
        Outcome<Client> o = broker.add(key == null ? request : request.withIdempotencyKey(key));
        ctx.header("Location", PREFIX + "/clients/" + o.value().name());
        json(ctx, 201, ClientJson.of(o.value(), true));
    }

    private void showClient(Context ctx) {
        auth.operator(ctx);
        json(ctx, 200, ClientJson.of(s.broker().show(name(ctx)), true));
    }

    private void change(Context ctx, BiFunction<BrokerOps, String, Outcome<Client>> action) {
        Actor actor = actor(ctx, auth.operator(ctx));
        String name = name(ctx);
        emptyBody(ctx);
        Outcome<Client> o = action.apply(s.broker().as(actor), name);
        json(ctx, 200, ClientJson.of(o.value(), false));
    }

    private void profile(Context ctx) {
        auth.operator(ctx);
        Client c = s.broker().show(name(ctx));
        ExportRequest req = exportRequest(ctx);
        send(ctx, SubscriptionViews.file(c, req, s.exporter().render(c, req)));
    }

    private void clientSessions(Context ctx) {
        auth.operator(ctx);
        Client c = s.broker().show(name(ctx));
        int limit = Listing.integer("limit", ctx.queryParam("limit"), 50, 1, s.limits().pageSizeMax());
        List<SessionRow> rows = s.store().read(tx -> tx.sessionsOf(c.name(), limit));
        json(ctx, 200, Map.of("client", c.name(), "items", rows.stream().map(Traffic::json).toList()));
    }

    private void sessions(Context ctx) {
        auth.operator(ctx);
        json(ctx, 200, Map.of("items", Traffic.live(s.store()).all().stream().map(Traffic::json).toList()));
    }

    private void plan(Context ctx) {
        auth.operator(ctx);
        json(ctx, 200, PlanUsage.of(s.broker().plan(), s.store(), s.clock().instant()).json());
    }

    private void subscribe(Context ctx) {
        if (!subscribeLimit.tryAcquire(Auth.client(ctx))) {
            throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "too many subscription requests from this address; try again later");
        }
        Json.Body b = body(ctx, SUBSCRIBE_FIELDS);
        Integer size = b.integer("size");
        Subscriptions.Submitted sub = subscriptions.submit(b.required("name"), b.required("email"), b.required("type"),
                size == null ? null : size.toString(), b.text("os"), b.required("reason"), ctx.ip());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", sub.request().id());
        m.put("status", sub.request().status());
        m.put("token", sub.token());
        m.put("note", "keep this token: it is shown once and lets you read your request and tunnel (GET /api/v1/me)");
        json(ctx, 201, m);
    }

    private void listRequests(Context ctx) {
        auth.operator(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !Set.of("pending", "approved", "rejected").contains(status)) {
            throw new InvalidInputException("status " + Validation.quote(status) + ": accepted pending, approved, rejected");
        }
        int offset = Listing.integer("offset", ctx.queryParam("offset"), 0, 0, Integer.MAX_VALUE);
        int limit = Listing.integer("limit", ctx.queryParam("limit"), Listing.DEFAULT_LIMIT, 1, s.limits().pageSizeMax());
        json(ctx, 200, new Listing.Page<>(subscriptions.count(status), offset, limit,
                subscriptions.list(status, offset, limit).stream().map(SubscriptionViews::json).toList()));
    }

    private void approve(Context ctx) {
        Actor actor = actor(ctx, auth.operator(ctx));
        Integer size = body(ctx, APPROVE_FIELDS).integer("size");
        RequestRow r = subscriptions.approve(id(ctx), actor, size);
        Map<String, Object> m = SubscriptionViews.json(r);
        m.put("clientDetail", subscriptions.clientOf(r).map(c -> ClientJson.of(c, false)).orElse(null));
        json(ctx, 200, m);
    }

    /** The operator of an API request as the audit trail records them: the token's name, from the client's address. */
    private static Actor actor(Context ctx, Auth.Operator op) {
        return Actor.api(op.name(), ctx.ip());
    }

    private void audit(Context ctx) {
        auth.operator(ctx);
        String client = ctx.queryParam("client");
        String since = ctx.queryParam("since");
        long after = Listing.integer("after", ctx.queryParam("after"), 0, 0, Integer.MAX_VALUE);
        int limit = Listing.integer("limit", ctx.queryParam("limit"), Listing.DEFAULT_LIMIT, 1, s.limits().pageSizeMax());
        List<AuditRow> rows = AuditView.rows(s.store(), client == null ? null : Validation.name(client),
                since == null ? null : AuditView.since(since, s.clock()), after, limit);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", rows.stream().map(AuditView::json).toList());
        m.put("next", rows.size() == limit ? rows.get(rows.size() - 1).id() : null);
        json(ctx, 200, m);
    }

    private void traffic(Context ctx) {
        auth.operator(ctx);
        String client = ctx.queryParam("client");
        TrafficSeries.Period p = TrafficSeries.Period.parse(ctx.queryParam("period"));
        String name = client == null ? null : s.broker().show(Validation.name(client)).name();
        json(ctx, 200, TrafficSeries.of(s.store(), name, p, s.clock().instant()).json());
    }

    private void trafficTop(Context ctx) {
        auth.operator(ctx);
        TrafficSeries.Period p = TrafficSeries.Period.parse(ctx.queryParam("period"));
        int limit = Listing.integer("limit", ctx.queryParam("limit"), 10, 1, 100);
        json(ctx, 200, Map.of("period", p.cliName(), "items", TrafficSeries.top(s.store(), p, s.clock().instant(), limit).stream()
                .map(t -> Map.of("client", t.client(), "bytesIn", t.bytesIn(), "bytesOut", t.bytesOut())).toList()));
    }

    private void reclaim(Context ctx) {
        auth.operator(ctx);
        var policy = s.reclaim().policy();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("on", policy.on());
        if (policy.on()) {
            p.put("notifyDays", policy.notifyDays());
            p.put("suspendDays", policy.suspendDays());
            p.put("deleteDays", policy.deleteDays());
        }
        List<Map<String, Object>> items = s.reclaim().notices().stream().map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client", n.client());
            m.put("email", n.email());
            m.put("status", n.status().dbName());
            m.put("lastActivity", n.lastActivity().toString());
            m.put("notifiedAt", n.notifiedAt().toString());
            m.put("suspendAt", n.suspendAt().toString());
            m.put("deleteAt", n.deleteAt().toString());
            return m;
        }).toList();
        json(ctx, 200, Map.of("policy", p, "items", items));
    }

    // ---- reading and rendering

    static String name(Context ctx) {
        return Validation.name(ctx.pathParam("name"));
    }

    static long id(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            long id = Long.parseLong(text);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("request id " + Validation.quote(text) + " is not a positive whole number");
        }
    }

    static ExportRequest exportRequest(Context ctx) {
        String format = ctx.queryParam("format");
        String layout = ctx.queryParam("layout");
        return ExportRequest.parse(format == null ? "ovpn" : format, layout == null ? "shared" : layout, ctx.queryParam("lanIf"),
                ctx.queryParam("compat"), ctx.queryParam("for"));
    }

    /** The body as a JSON object with only the given fields; it must say it is JSON. */
    static Json.Body body(Context ctx, Set<String> fields) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > 0 && !isJson(ctx)) {
            throw new BrokerException(BrokerException.Kind.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        return Json.object(bytes, fields);
    }

    /** Actions take no input: an empty body or {}; anything else is refused. */
    static void emptyBody(Context ctx) {
        body(ctx, Set.of());
    }

    /** Whether the media type (before any {@code ;} parameters) is exactly {@code application/json}. */
    static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().equalsIgnoreCase("application/json");
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void send(Context ctx, SubscriptionViews.Download d) {
        ctx.header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"");
        ctx.contentType(d.contentType()).result(d.bytes());
    }

    static String resource(String path) {
        try (InputStream in = ApiRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + path, e);
        }
    }
}
