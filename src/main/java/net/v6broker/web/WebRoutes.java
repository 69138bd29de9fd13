package net.v6broker.web;

import net.v6broker.error.BrokerException;

import net.v6broker.error.InvalidInputException;

import static net.v6broker.web.Html.button;
import static net.v6broker.web.Html.csrf;
import static net.v6broker.web.Html.esc;

import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import net.v6broker.api.Auth;
import net.v6broker.api.BrokerOps;
import net.v6broker.api.Listing;
import net.v6broker.api.PlanUsage;
import net.v6broker.api.RateLimiter;
import net.v6broker.api.Services;
import net.v6broker.api.SubscriptionViews;
import net.v6broker.broker.Subscriptions;
import net.v6broker.api.Traffic;
import net.v6broker.broker.Client;
import net.v6broker.broker.Outcome;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientKind;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.client.ClientStatus;
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
        app.get("/subscribe", ctx -> html(ctx, 200, "Subscribe", null, subscribeForm(ctx)));
        app.post("/subscribe", this::subscribe);
        app.get("/status", ctx -> html(ctx, 200, "My tunnel", null, statusForm(ctx)));
        app.post("/status", this::status);
        app.get("/my", this::my);
        app.post("/my/link", this::myLink);
        app.get("/download/{secret}", this::downloadPage);
        app.post("/download/{secret}", this::download);
        app.get("/login", ctx -> html(ctx, 200, "Operator login", null, loginForm(ctx, null)));
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

    private String subscribeForm(Context ctx) {
        return "<section class=\"card narrow\"><h1>Get public IPv6</h1>"
                + "<p class=\"muted\">A fixed public address (<b>hermit</b>, one /128) or a routed /64 for your network "
                + "(<b>subnet</b>), in an encrypted OpenVPN tunnel that works behind NAT. An operator reviews each request.</p>"
                + "<form method=\"post\" action=\"/subscribe\" id=\"subscribe\">" + csrf(sessions.csrf(ctx))
                + field("name", "Tunnel name", "text", "letters, digits, '.', '_', '-' (becomes your certificate name)",
                "maxlength=\"64\" pattern=\"[A-Za-z0-9_][A-Za-z0-9._\\-]{0,63}\" required")
                + field("email", "E-mail", "email", "so the operator can reach you", "maxlength=\"254\" required")
                + "<label>Kind<select name=\"type\"><option value=\"hermit\">hermit: one address for this computer</option>"
                + "<option value=\"subnet\">subnet: a routed /64 for a network</option></select></label>"
                + "<label>Operating system<select name=\"os\"><option value=\"linux\">Linux</option>"
                + "<option value=\"windows\">Windows</option><option value=\"macos\">macOS</option></select></label>"
                + "<label>What is it for?<textarea name=\"reason\" maxlength=\"1000\" rows=\"3\" required></textarea></label>"
                + "<button type=\"submit\" class=\"primary\">Request a tunnel</button></form></section>";
    }

    private static String field(String name, String label, String type, String hint, String attrs) {
        return "<label>" + esc(label) + "<input type=\"" + type + "\" name=\"" + name + "\" " + attrs + ">"
                + "<small>" + esc(hint) + "</small></label>";
    }

    private void subscribe(Context ctx) {
        sessions.check(ctx);
        if (!subscribeLimit.tryAcquire(Auth.client(ctx))) {
            throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "too many subscription requests from this address; try again later");
        }
        Subscriptions.Submitted sub = subscriptions.submit(ctx.formParam("name"), ctx.formParam("email"),
                ctx.formParam("type"), ctx.formParam("os"), ctx.formParam("reason"));
        html(ctx, 201, "Request received", null, "<section class=\"card narrow\"><h1>Request received</h1>"
                + "<p>Your request for <b>" + esc(sub.request().name()) + "</b> (number " + sub.request().id()
                + ") waits for an operator.</p><p>This is your personal token. <b>Keep it</b>: it is shown only now, "
                + "and with it you can see your request, fetch your profile once it is approved, and check your tunnel.</p>"
                + "<pre class=\"secret\" id=\"subscriber-token\">" + esc(sub.token()) + "</pre>"
                + "<p><a class=\"button\" href=\"/status\">Check my request</a></p></section>");
    }

    private String statusForm(Context ctx) {
        return "<section class=\"card narrow\"><h1>My tunnel</h1><form method=\"post\" action=\"/status\">"
                + csrf(sessions.csrf(ctx))
                + "<label>Your token<input type=\"password\" name=\"token\" autocomplete=\"off\" maxlength=\"100\" required>"
                + "<small>the v6bs_… token you got when you asked for the tunnel</small></label>"
                + "<button type=\"submit\" class=\"primary\">Show</button></form></section>";
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
        html(ctx, 200, "My tunnel", null, myPage(ctx, r, null));
    }

    @SuppressWarnings("unchecked")
    private String myPage(Context ctx, RequestRow r, Subscriptions.Link link) {
        Map<String, Object> info = SubscriptionViews.info(s, r);
        StringBuilder b = new StringBuilder("<section class=\"card\"><h1>" + esc(r.name()) + " <span class=\"badge "
                + esc(r.status()) + "\">" + esc(r.status()) + "</span></h1>");
        Map<String, Object> t = (Map<String, Object>) info.get("tunnel");
        if (t == null) {
            b.append(r.status().equals("pending")
                    ? "<p>Your request waits for an operator. Come back later with your token.</p>"
                    : r.status().equals("rejected") ? "<p>Your request was not approved.</p>"
                    : "<p>Your tunnel no longer exists.</p>");
            return b.append("</section>").toString();
        }
        b.append("<dl class=\"facts\">")
                .append(fact("Tunnel state", t.get("status")))
                .append(fact(r.type() == ClientKind.HERMIT ? "Your address" : "Your prefix", t.get("prefix")))
                .append(fact("Tunnel address (server)", t.get("transferServer")))
                .append(fact("Tunnel address (you)", t.get("transferClient")))
                .append(fact("Server", t.get("endpoint")))
                .append(fact("Connected", Boolean.TRUE.equals(t.get("connected")) ? "yes, since " + t.get("connectedSince") : "no"))
                .append(fact("Traffic", "in " + Html.bytes((Long) t.get("bytesIn")) + " · out " + Html.bytes((Long) t.get("bytesOut"))))
                .append(fact("Certificate valid until", t.get("certificateNotAfter")))
                .append("</dl>");
        if (link != null) {
            String url = ctx.scheme() + "://" + ctx.host() + link.path();
            b.append("<div class=\"notice\"><p>Your one-time download link (valid until ").append(esc(link.expiresAt()))
                    .append(", works once):</p><p><a id=\"download-link\" href=\"").append(esc(link.path())).append("\">")
                    .append(esc(url)).append("</a></p></div>");
        } else if (!"revoked".equals(t.get("status"))) {
            b.append("<form method=\"post\" action=\"/my/link\">").append(csrf(sessions.csrf(ctx)))
                    .append("<button type=\"submit\" class=\"primary\" id=\"get-link\">Get my one-time download link</button></form>");
        }
        return b.append("</section>").toString();
    }

    private void myLink(Context ctx) {
        sessions.check(ctx);
        RequestRow r = subscriberRequest(ctx);
        Subscriptions.Link link = subscriptions.issueLink(r);
        html(ctx, 201, "My tunnel", null, myPage(ctx, subscriptions.request(r.id()), link));
    }

    private void downloadPage(Context ctx) {
        String secret = ctx.pathParam("secret");
        RequestRow r = subscriptions.linkTarget(secret);
        html(ctx, 200, "Download", null, "<section class=\"card narrow\"><h1>Your tunnel profile</h1>"
                + "<p>For <b>" + esc(r.name()) + "</b>. This link works <b>once</b> and expires " + esc(r.linkExpiresAt())
                + ". The archive holds the profile too, with a README and a sanity check.</p>"
                + "<form method=\"post\" action=\"/download/" + esc(secret) + "\" id=\"download\">" + csrf(sessions.csrf(ctx))
                + "<label>Format<select name=\"format\"><option value=\"ovpn\">OpenVPN profile (.ovpn)</option>"
                + "<option value=\"tar.gz\">archive for Linux/macOS (.tar.gz)</option>"
                + "<option value=\"zip\">archive for Windows (.zip)</option></select></label>"
                + "<button type=\"submit\" class=\"primary\">Download</button></form></section>");
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

    private String loginForm(Context ctx, String error) {
        return "<section class=\"card narrow\"><h1>Operator login</h1>"
                + (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>")
                + "<form method=\"post\" action=\"/login\" id=\"login\">" + csrf(sessions.csrf(ctx))
                + "<label>API token<input type=\"password\" name=\"token\" autocomplete=\"off\" maxlength=\"100\" required>"
                + "<small>made with <code>v6broker token create NAME</code></small></label>"
                + "<button type=\"submit\" class=\"primary\">Log in</button></form></section>";
    }

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
        List<Client> all = s.broker().list();
        Listing.Page<Client> page = l.apply(all);
        Traffic traffic = Traffic.live(s.store());
        String csrf = sessions.csrf(ctx);
        StringBuilder b = new StringBuilder();
        String done = ctx.queryParam("done");
        if (done != null && done.length() <= 100) {
            b.append("<p class=\"notice\" id=\"flash\">").append(esc(done)).append("</p>");
        }
        long active = all.stream().filter(c -> c.status() == ClientStatus.ACTIVE).count();
        long pendingCount = subscriptions.count("pending");
        b.append("<section class=\"stats\">")
                .append(stat("clients", all.size())).append(stat("active", active))
                .append(stat("connected", traffic.byName().size())).append(stat("pending requests", pendingCount))
                .append("</section>");
        List<RequestRow> pending = subscriptions.list("pending", 0, 50);
        b.append("<section class=\"card\"><h2>Pending requests</h2>");
        if (pending.isEmpty()) {
            b.append("<p class=\"muted\">None.</p>");
        } else {
            b.append("<table id=\"pending\"><thead><tr><th>#</th><th>Name</th><th>E-mail</th><th>Kind</th><th>OS</th>"
                    + "<th>Reason</th><th>Asked</th><th></th></tr></thead><tbody>");
            for (RequestRow r : pending) {
                b.append("<tr data-name=\"").append(esc(r.name())).append("\"><td>").append(r.id()).append("</td><td>")
                        .append(esc(r.name())).append("</td><td>").append(esc(r.email())).append("</td><td>")
                        .append(esc(r.type().cliName())).append("</td><td>").append(esc(r.os().cliName()))
                        .append("</td><td class=\"reason\">").append(esc(r.reason())).append("</td><td>")
                        .append(esc(r.createdAt().toString().substring(0, 16).replace('T', ' '))).append("</td><td class=\"actions\">")
                        .append(button("/admin/requests/" + r.id() + "/approve", "Approve", csrf, "primary"))
                        .append(button("/admin/requests/" + r.id() + "/reject", "Reject", csrf, "danger"))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</section>");
        b.append("<section class=\"card\"><h2>Clients</h2><form method=\"get\" action=\"/admin\" class=\"search\">")
                .append("<input type=\"search\" name=\"q\" placeholder=\"name, e-mail or prefix\" maxlength=\"64\" value=\"")
                .append(esc(l.q())).append("\">")
                .append(select("status", l.status() == null ? "" : l.status().dbName(), "", "any state", "active", "suspended", "revoked"))
                .append(select("type", l.type() == null ? "" : l.type().cliName(), "", "any kind", "hermit", "subnet"))
                .append("<button type=\"submit\">Search</button></form>");
        b.append("<table id=\"clients\"><thead><tr><th>Name</th><th>Kind</th><th>State</th><th>Prefix</th><th>Connected</th>"
                + "<th class=\"num\">In</th><th class=\"num\">Out</th><th>Certificate until</th></tr></thead><tbody>");
        for (Client c : page.items()) {
            Optional<SessionRow> live = traffic.bySession(c.name());
            b.append("<tr><td><a href=\"/admin/clients/").append(esc(c.name())).append("\">").append(esc(c.name()))
                    .append("</a></td><td>").append(esc(c.type().cliName())).append("</td><td><span class=\"badge ")
                    .append(esc(c.status().dbName())).append("\">").append(esc(c.status().dbName())).append("</span></td><td><code>")
                    .append(esc(c.assignment().prefix())).append("</code></td><td>")
                    .append(live.map(x -> "<span class=\"dot on\"></span>" + esc(x.realAddress())).orElse("<span class=\"dot\"></span>—"))
                    .append("</td><td class=\"num\">").append(live.map(x -> Html.bytes(x.bytesIn())).orElse(""))
                    .append("</td><td class=\"num\">").append(live.map(x -> Html.bytes(x.bytesOut())).orElse(""))
                    .append("</td><td>").append(esc(c.notAfter().toString().substring(0, 10))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append(pager(l, page));
        b.append("</section>");
        html(ctx, 200, "Dashboard", op, b.toString());
    }

    private static String stat(String label, long n) {
        return "<div class=\"stat\"><div class=\"n\">" + n + "</div><div class=\"muted\">" + esc(label) + "</div></div>";
    }

    private static String select(String name, String current, String... valuesAndLabels) {
        StringBuilder b = new StringBuilder("<select name=\"" + name + "\">");
        b.append("<option value=\"\">").append(esc(valuesAndLabels[1])).append("</option>");
        for (int i = 2; i < valuesAndLabels.length; i++) {
            String v = valuesAndLabels[i];
            b.append("<option value=\"").append(esc(v)).append('"').append(v.equals(current) ? " selected" : "").append('>')
                    .append(esc(v)).append("</option>");
        }
        return b.append("</select>").toString();
    }

    private static String pager(Listing l, Listing.Page<Client> page) {
        long total = page.total();
        long from = total == 0 ? 0 : l.offset() + 1;
        long to = Math.min(total, (long) l.offset() + l.limit());
        StringBuilder b = new StringBuilder("<nav class=\"pager\"><span class=\"muted\">" + from + "–" + to + " of " + total + "</span>");
        String base = "/admin?q=" + url(l.q()) + "&status=" + (l.status() == null ? "" : l.status().dbName())
                + "&type=" + (l.type() == null ? "" : l.type().cliName()) + "&limit=" + l.limit() + "&offset=";
        if (l.offset() > 0) {
            b.append("<a href=\"").append(esc(base + Math.max(0, l.offset() - l.limit()))).append("\">← previous</a>");
        }
        if (to < total) {
            b.append("<a href=\"").append(esc(base + (l.offset() + l.limit()))).append("\" id=\"next\">next →</a>");
        }
        return b.append("</nav>").toString();
    }

    private static String url(String v) {
        return v == null ? "" : java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void clientPage(Context ctx) {
        String op = operator(ctx);
        Client c = s.broker().show(Validation.name(ctx.pathParam("name")));
        List<SessionRow> history = s.store().read(tx -> tx.sessionsOf(c.name(), 20));
        String csrf = sessions.csrf(ctx);
        String base = "/admin/clients/" + c.name();
        StringBuilder b = new StringBuilder();
        String done = ctx.queryParam("done");
        if (done != null && done.length() <= 100) {
            b.append("<p class=\"notice\" id=\"flash\">").append(esc(done)).append("</p>");
        }
        b.append("<section class=\"card\"><h1>").append(esc(c.name())).append(" <span class=\"badge ")
                .append(esc(c.status().dbName())).append("\">").append(esc(c.status().dbName())).append("</span></h1>")
                .append("<dl class=\"facts\">")
                .append(fact("Kind", c.type().cliName())).append(fact("OS", c.os().cliName()))
                .append(fact("E-mail", c.email() == null ? "—" : c.email()))
                .append(fact(c.type() == ClientKind.HERMIT ? "Address" : "Prefix", c.assignment().prefix()))
                .append(fact("Transfer (server)", c.assignment().transferServer()))
                .append(fact("Transfer (client)", c.assignment().transferClient()))
                .append(fact("Certificate serial", c.serial()))
                .append(fact("Valid", c.notBefore() + " – " + c.notAfter()))
                .append(fact("Created", c.createdAt()))
                .append("</dl><div class=\"actions\">");
        if (c.status() == ClientStatus.ACTIVE) {
            b.append(button(base + "/suspend", "Suspend", csrf, ""));
        }
        if (c.status() == ClientStatus.SUSPENDED) {
            b.append(button(base + "/resume", "Resume", csrf, "primary"));
        }
        if (c.status() != ClientStatus.REVOKED) {
            b.append(button(base + "/renew", "Renew certificate", csrf, ""));
            b.append(button(base + "/revoke", "Revoke", csrf, "danger"));
        }
        b.append(button(base + "/delete", "Delete", csrf, "danger")).append("</div>");
        if (c.status() != ClientStatus.REVOKED) {
            b.append("<form method=\"post\" action=\"").append(esc(base)).append("/export\" class=\"inline export\">").append(csrf(csrf))
                    .append("<select name=\"format\"><option value=\"ovpn\">.ovpn profile</option><option value=\"tar.gz\">.tar.gz archive</option>")
                    .append("<option value=\"zip\">.zip archive</option></select><button type=\"submit\">Download</button></form>");
        }
        b.append("</section><section class=\"card\"><h2>Sessions</h2>");
        if (history.isEmpty()) {
            b.append("<p class=\"muted\">Never connected.</p>");
        } else {
            b.append("<table><thead><tr><th>Node</th><th>From</th><th>Tunnel address</th><th>Connected</th><th>Ended</th>"
                    + "<th class=\"num\">In</th><th class=\"num\">Out</th></tr></thead><tbody>");
            for (SessionRow r : history) {
                b.append("<tr><td>").append(esc(r.node())).append("</td><td>").append(esc(r.realAddress())).append("</td><td>")
                        .append(esc(r.virtualIpv6())).append("</td><td>").append(esc(r.connectedAt())).append("</td><td>")
                        .append(r.endedAt() == null ? "<span class=\"dot on\"></span>live" : esc(r.endedAt())).append("</td><td class=\"num\">")
                        .append(Html.bytes(r.bytesIn())).append("</td><td class=\"num\">").append(Html.bytes(r.bytesOut())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</section>");
        html(ctx, 200, c.name(), op, b.toString());
    }

    private void change(Context ctx, BiFunction<BrokerOps, String, Outcome<Client>> action, String past) {
        operator(ctx);
        sessions.check(ctx);
        String name = Validation.name(ctx.pathParam("name"));
        Outcome<Client> o = action.apply(s.broker(), name);
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
        String op = operator(ctx);
        sessions.check(ctx);
        String idText = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("request id " + Validation.quote(idText) + " is not a number");
        }
        RequestRow r = approve ? subscriptions.approve(id, op) : subscriptions.reject(id, op);
        ctx.redirect("/admin?done=" + url("request " + r.id() + " (" + r.name() + ") " + r.status()));
    }

    private void plan(Context ctx) {
        String op = operator(ctx);
        PlanUsage usage = PlanUsage.of(s.broker().plan(), s.store(), s.clock().instant());
        Map<Long, String> names = new HashMap<>();
        if (usage.span() == 1) {
            for (Client c : s.broker().list()) {
                if (c.type() == ClientKind.SUBNET) {
                    names.put(c.assignment().index(), c.name());
                }
            }
        }
        String per = usage.span() == 1 ? "one square per /64" : "one square per /" + (64 - Long.numberOfTrailingZeros(usage.span()))
                + " (" + usage.span() + " /64s; darker = fuller)";
        html(ctx, 200, "Address plan", op, "<section class=\"card\"><h1>Address plan <code>" + esc(usage.plan().prefix())
                + "</code></h1><p class=\"muted\">" + esc(usage.plan().slash64Count() + " /64s, " + per
                + ". Hover a square for its prefix.") + "</p>" + PlanSvg.legend(usage)
                + "<div class=\"plan-wrap\">" + PlanSvg.render(usage, names) + "</div></section>");
    }

    // ---- rendering

    private static String fact(String label, Object value) {
        return "<dt>" + esc(label) + "</dt><dd>" + esc(value) + "</dd>";
    }

    private void html(Context ctx, int status, String title, String operator, String body) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(Html.page(title, operator, sessions.csrf(ctx), body));
    }
}
