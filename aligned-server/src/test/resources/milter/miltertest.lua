-- Drives Aligned's milter with Debian's miltertest (libmilter's own client). PORT is replaced by the test.
-- 1. SPF-aligned message from 192.0.2.25: accepted, Authentication-Results inserted with dmarc=pass.
-- 2. Spoofed From under p=reject from another client: refused with a 550 reply code.
-- 3. A message aborted half-way, then a clean one on the same connection.

local function check(ok, what)
    if not ok then error(what) end
end

local conn = mt.connect("inet:PORT@127.0.0.1", 5, 0.2)
check(conn ~= nil, "mt.connect() failed")
check(mt.conninfo(conn, "mail.example.com", "192.0.2.25") == nil, "conninfo failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "conninfo: unexpected reply")
check(mt.helo(conn, "mail.example.com") == nil, "helo failed")
check(mt.mailfrom(conn, "<alice@example.com>") == nil, "mailfrom failed")
check(mt.rcptto(conn, "<bob@example.net>") == nil, "rcptto failed")
check(mt.header(conn, "From", "Alice <alice@example.com>") == nil, "header failed")
check(mt.header(conn, "To", "bob@example.net") == nil, "header failed")
check(mt.header(conn, "Subject", "miltertest pass") == nil, "header failed")
check(mt.eoh(conn) == nil, "eoh failed")
check(mt.bodystring(conn, "Hello Bob\r\n") == nil, "body failed")
check(mt.eom(conn) == nil, "eom failed")
check(mt.getreply(conn) == SMFIR_ACCEPT, "pass: expected accept")
check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"), "pass: no Authentication-Results inserted")
local ar = mt.getheader(conn, "Authentication-Results", 0)
check(ar ~= nil and string.find(ar, "dmarc=pass", 1, true) ~= nil, "pass: A-R without dmarc=pass: " .. tostring(ar))
mt.echo("pass: " .. ar)
mt.disconnect(conn)

conn = mt.connect("inet:PORT@127.0.0.1", 5, 0.2)
check(conn ~= nil, "mt.connect() failed")
check(mt.conninfo(conn, "spoofer.example", "198.51.100.7") == nil, "conninfo failed")
check(mt.helo(conn, "spoofer.example") == nil, "helo failed")
check(mt.mailfrom(conn, "<x@attacker.test>") == nil, "mailfrom failed")
check(mt.rcptto(conn, "<bob@example.net>") == nil, "rcptto failed")
check(mt.header(conn, "From", "CEO <ceo@example.com>") == nil, "header failed")
check(mt.header(conn, "Subject", "half") == nil, "header failed")
check(mt.abort(conn) == nil, "abort failed")
check(mt.mailfrom(conn, "<x@attacker.test>") == nil, "mailfrom failed")
check(mt.rcptto(conn, "<bob@example.net>") == nil, "rcptto failed")
check(mt.header(conn, "From", "CEO <ceo@example.com>") == nil, "header failed")
check(mt.header(conn, "Subject", "wire transfer") == nil, "header failed")
check(mt.eoh(conn) == nil, "eoh failed")
check(mt.bodystring(conn, "Pay now\r\n") == nil, "body failed")
check(mt.eom(conn) == nil, "eom failed")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "spoof: expected a reply code")
check(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1",
    "Message rejected: it fails DMARC for example.com and the policy of example.com is p=reject"),
    "spoof: wrong SMTP reply")
mt.echo("spoof: rejected with 550 5.7.1")
mt.disconnect(conn)
