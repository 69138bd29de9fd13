-- v6broker schema, version 12 (PostgreSQL): clients for routers (issue 15, docs/decisions.md 25). A
-- client's os, and a subscription request's, may be openwrt (an OpenWrt router: UCI and odhcpd)
-- or router (a Linux router: radvd) besides linux, windows and macos.
ALTER TABLE clients DROP CONSTRAINT clients_os_check;
ALTER TABLE clients ADD CONSTRAINT clients_os_check CHECK (os IN ('linux', 'windows', 'macos', 'openwrt', 'router'));
ALTER TABLE subscription_requests DROP CONSTRAINT subscription_requests_os_check;
ALTER TABLE subscription_requests ADD CONSTRAINT subscription_requests_os_check
    CHECK (os IN ('linux', 'windows', 'macos', 'openwrt', 'router'));
