// SPDX-License-Identifier: MIT
/* dhcp_msg.c - DHCP message parsing and building (RFC 2131, 2132) over byte buffers */
#include <arpa/inet.h>
#include <string.h>

#include "lib/util.h"
#include "netsetup/dhcp/dhcp_msg.h"

/* Offsets into the fixed BOOTP header (RFC 2131 §2, figure 1). */
#define OFF_OP		0
#define OFF_HTYPE	1
#define OFF_HLEN	2
#define OFF_XID		4
#define OFF_SECS	8
#define OFF_FLAGS	10
#define OFF_CIADDR	12
#define OFF_YIADDR	16
#define OFF_GIADDR	24
#define OFF_CHADDR	28
#define OFF_SNAME	44
#define SNAME_LEN	64
#define OFF_FILE	108
#define FILE_LEN	128
#define OFF_COOKIE	236

#define HTYPE_ETHER	1
#define NAK_MESSAGE_MAX	64

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct in_addr get_addr(const uint8_t *p)
{
	struct in_addr a;

	memcpy(&a.s_addr, p, 4);
	return a;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/**
 * append_capped() - concatenate one more instance of a variable-length option
 * @dst:	the option's buffer, DHCP_OPT_DATA_MAX bytes
 * @dlen:	bytes already in @dst, updated
 * @src:	this instance's data
 * @n:		its length
 *
 * RFC 3396 lets a client split a long option into several instances that the
 * receiver concatenates.  Anything past 255 bytes is dropped: no client needs
 * more, and it bounds what a hostile list of options can make us hold.
 */
static void append_capped(uint8_t *dst, uint8_t *dlen, const uint8_t *src, size_t n)
{
	size_t room = DHCP_OPT_DATA_MAX - *dlen;

	if (n > room)
		n = room;
	memcpy(dst + *dlen, src, n);
	*dlen = (uint8_t)(*dlen + n);
}

/**
 * take_option() - store one option in @out after checking its length
 * @out:	message being filled
 * @code:	option code
 * @data:	option data, @len bytes, inside the datagram
 * @len:	option length
 * @main_field:	the option sits in the options field, not in an overloaded sname/file
 *
 * Return: DHCP_PARSE_OK, or why the message must be dropped.
 */
static int take_option(struct dhcp_msg *out, uint8_t code, const uint8_t *data,
		       size_t len, bool main_field)
{
	switch (code) {
	case OPT_MSG_TYPE:
		/* Two different types in one message would let each layer see a different one. */
		if (len != 1 || out->type || data[0] < DHCPDISCOVER || data[0] > DHCPINFORM)
			return DHCP_PARSE_BAD_TYPE;
		out->type = data[0];
		break;
	case OPT_SUBNET_MASK:
	case OPT_REQUESTED_IP:
	case OPT_SERVER_ID:
	case OPT_LEASE_TIME:
		if (len != 4)
			return DHCP_PARSE_BAD_LENGTH;
		if (code == OPT_REQUESTED_IP && !out->has_requested_ip) {
			out->has_requested_ip = true;
			out->requested_ip = get_addr(data);
		} else if (code == OPT_SERVER_ID && !out->has_server_id) {
			out->has_server_id = true;
			out->server_id = get_addr(data);
		} else if (code == OPT_LEASE_TIME && !out->has_lease_time) {
			out->has_lease_time = true;
			out->lease_time = get32(data);
		}
		break;
	case OPT_MAX_SIZE:
		if (len != 2)
			return DHCP_PARSE_BAD_LENGTH;
		/* RFC 2132 §9.10: 576 is the legal minimum; a smaller value is ignored. */
		if (!out->max_size && get16(data) >= DHCP_MIN_MAX_SIZE)
			out->max_size = get16(data);
		break;
	case OPT_OVERLOAD:
		/* Only the options field may overload, once: sname/file never recurse. */
		if (len != 1 || !main_field || out->overload || data[0] < 1 || data[0] > 3)
			return DHCP_PARSE_BAD_OVERLOAD;
		out->overload = data[0];
		break;
	case OPT_RAPID_COMMIT:
		if (len != 0)
			return DHCP_PARSE_BAD_LENGTH;
		out->rapid_commit = true;
		break;
	case OPT_PARAM_LIST:
		append_capped(out->prl, &out->prl_len, data, len);
		break;
	case OPT_CLIENT_ID:
		append_capped(out->client_id, &out->client_id_len, data, len);
		break;
	case OPT_HOSTNAME:
		append_capped(out->hostname, &out->hostname_len, data, len);
		break;
	default:
		break;
	}
	return DHCP_PARSE_OK;
}

/**
 * parse_field() - walk the options in one field (options, file or sname)
 * @p:		first byte of the field
 * @len:	field length
 * @main_field:	true for the options field, the only one that may carry option 52
 * @out:	message being filled
 *
 * Every field must end with END (RFC 2131 §4.1); what follows END is padding
 * and is never looked at, so an option hidden after END cannot take effect.
 *
 * Return: DHCP_PARSE_OK, or why the message must be dropped.
 */
static int parse_field(const uint8_t *p, size_t len, bool main_field, struct dhcp_msg *out)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], olen;
		int err;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END)
			return DHCP_PARSE_OK;
		if (len - i < 2 || p[i + 1] > len - i - 2)
			return DHCP_PARSE_TRUNCATED;
		olen = p[i + 1];
		err = take_option(out, code, p + i + 2, olen, main_field);
		if (err)
			return err;
		i += 2u + olen;
	}
	return DHCP_PARSE_NO_END;
}

/**
 * dhcp_parse() - parse and check one DHCP datagram
 * @buf:	UDP payload, untrusted
 * @len:	its length
 * @out:	filled on success; zeroed first in every case
 *
 * Only Ethernet clients (htype 1, hlen 6) are accepted: leases are keyed by a
 * six-byte MAC.  With option 52 the file field, then the sname field, are read
 * as further options (RFC 2131 §4.1 order), each at most once.
 *
 * Return: DHCP_PARSE_OK (0), or a positive enum dhcp_parse_result.
 */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (len < DHCP_OPTIONS_OFFSET)
		return DHCP_PARSE_SHORT;
	if (buf[OFF_OP] != BOOTREQUEST && buf[OFF_OP] != BOOTREPLY)
		return DHCP_PARSE_BAD_OP;
	if (buf[OFF_HTYPE] != HTYPE_ETHER || buf[OFF_HLEN] != 6)
		return DHCP_PARSE_BAD_HW;
	if (memcmp(buf + OFF_COOKIE, magic_cookie, sizeof(magic_cookie)))
		return DHCP_PARSE_BAD_COOKIE;

	out->op = buf[OFF_OP];
	out->xid = get32(buf + OFF_XID);
	out->secs = get16(buf + OFF_SECS);
	out->flags = get16(buf + OFF_FLAGS);
	out->ciaddr = get_addr(buf + OFF_CIADDR);
	out->yiaddr = get_addr(buf + OFF_YIADDR);
	out->giaddr = get_addr(buf + OFF_GIADDR);
	memcpy(out->chaddr, buf + OFF_CHADDR, sizeof(out->chaddr));

	err = parse_field(buf + DHCP_OPTIONS_OFFSET, len - DHCP_OPTIONS_OFFSET, true, out);
	if (!err && (out->overload & 1))
		err = parse_field(buf + OFF_FILE, FILE_LEN, false, out);
	if (!err && (out->overload & 2))
		err = parse_field(buf + OFF_SNAME, SNAME_LEN, false, out);
	if (!err && !out->type)
		err = DHCP_PARSE_BAD_TYPE;
	return err;
}

/**
 * dhcp_parse_error() - Return: a short description of a dhcp_parse() result
 * @result:	value returned by dhcp_parse()
 */
const char *dhcp_parse_error(int result)
{
	static const char *const text[] = {
		[DHCP_PARSE_OK] = "ok",
		[DHCP_PARSE_SHORT] = "shorter than a DHCP header",
		[DHCP_PARSE_BAD_OP] = "op is not BOOTREQUEST or BOOTREPLY",
		[DHCP_PARSE_BAD_HW] = "hardware type is not Ethernet",
		[DHCP_PARSE_BAD_COOKIE] = "no DHCP magic cookie",
		[DHCP_PARSE_TRUNCATED] = "an option runs past the end",
		[DHCP_PARSE_NO_END] = "options do not end with END",
		[DHCP_PARSE_BAD_LENGTH] = "an option has the wrong length",
		[DHCP_PARSE_BAD_TYPE] = "option 53 missing, repeated or invalid",
		[DHCP_PARSE_BAD_OVERLOAD] = "option 52 malformed, repeated or nested",
	};

	if (result < 0 || (size_t)result >= ARRAY_SIZE(text))
		return "unknown error";
	return text[result];
}

/**
 * dhcp_type_name() - Return: "DHCPDISCOVER" etc., or "DHCP?" for other values
 * @type:	option 53 value
 */
const char *dhcp_type_name(uint8_t type)
{
	static const char *const names[] = {
		"DHCP?", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPDECLINE",
		"DHCPACK", "DHCPNAK", "DHCPRELEASE", "DHCPINFORM",
	};

	return type < ARRAY_SIZE(names) ? names[type] : names[0];
}

/**
 * dhcp_msg_asks_for() - Return: true if option 55 of @msg lists @code
 * @msg:	parsed request
 * @code:	option code
 */
bool dhcp_msg_asks_for(const struct dhcp_msg *msg, uint8_t code)
{
	return memchr(msg->prl, code, msg->prl_len) != NULL;
}

/**
 * dhcp_reply_limit() - how many bytes a reply to @req may take
 * @req:	parsed request
 * @bufsize:	size of the caller's buffer
 *
 * Option 57 counts the IP and UDP headers (RFC 2131 §2 ties the 576-byte
 * minimum to the smallest IP datagram), so they are taken off.
 *
 * Return: the largest reply length, at most @bufsize.
 */
size_t dhcp_reply_limit(const struct dhcp_msg *req, size_t bufsize)
{
	size_t limit = DHCP_MIN_MAX_SIZE;

	if (req->max_size > limit)
		limit = req->max_size;
	limit -= DHCP_IP_UDP_HEADERS;
	if (limit > DHCP_REPLY_MAX)
		limit = DHCP_REPLY_MAX;
	return limit < bufsize ? limit : bufsize;
}

/**
 * struct opt_writer - appends options to a reply without passing its limit
 * @buf:	reply buffer
 * @pos:	next free byte
 * @limit:	options may not reach past this; one byte is always kept for END
 */
struct opt_writer {
	uint8_t *buf;
	size_t pos;
	size_t limit;
};

/**
 * put_opt() - append one option if it fits
 * @w:		writer
 * @code:	option code
 * @data:	option data
 * @len:	data length
 *
 * Return: true if written, false if it would not fit (nothing is written).
 */
static bool put_opt(struct opt_writer *w, uint8_t code, const void *data, size_t len)
{
	if (len > DHCP_OPT_DATA_MAX || w->pos + 2 + len + 1 > w->limit)
		return false;
	w->buf[w->pos] = code;
	w->buf[w->pos + 1] = (uint8_t)len;
	if (len)
		memcpy(w->buf + w->pos + 2, data, len);
	w->pos += 2 + len;
	return true;
}

static bool put_addr(struct opt_writer *w, uint8_t code, struct in_addr a)
{
	return put_opt(w, code, &a.s_addr, 4);
}

static bool put_u32(struct opt_writer *w, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return put_opt(w, code, b, sizeof(b));
}

/**
 * encode_domain_search() - write @domain in DNS wire format for option 119 (RFC 3397)
 * @domain:	dotted name, validated by the configuration
 * @out:	DHCP_OPT_DATA_MAX bytes
 *
 * Return: encoded length, or 0 if the name cannot be encoded.
 */
static size_t encode_domain_search(const char *domain, uint8_t *out)
{
	size_t o = 0;

	while (*domain) {
		const char *dot = strchr(domain, '.');
		size_t n = dot ? (size_t)(dot - domain) : strlen(domain);

		if (n == 0 || n > 63 || o + 1 + n + 1 > DHCP_OPT_DATA_MAX)
			return 0;
		out[o++] = (uint8_t)n;
		memcpy(out + o, domain, n);
		o += n;
		domain += n + (dot ? 1 : 0);
	}
	if (o == 0)
		return 0;
	out[o++] = 0;
	return o;
}

/**
 * encode_routes() - write option 121 (RFC 3442) with a default route added
 * @ans:	answer holding the routes and the router
 * @out:	DHCP_OPT_DATA_MAX bytes
 *
 * A client that gets option 121 must ignore option 3 (RFC 3442 §3), so the
 * default route via the router goes in too, or the guest would lose it.
 *
 * Return: encoded length, or 0 if the routes do not fit in one option.
 */
static size_t encode_routes(const struct dhcp_answer *ans, uint8_t *out)
{
	const struct dhcp_route def = { .len = 0, .gw = ans->router };
	size_t o = 0;

	for (size_t i = 0; i <= ans->n_routes; i++) {
		const struct dhcp_route *r = i < ans->n_routes ? &ans->routes[i] : &def;
		size_t sig = (r->len + 7u) / 8u;

		if (r->len > 32 || o + 1 + sig + 4 > DHCP_OPT_DATA_MAX)
			return 0;
		out[o++] = r->len;
		memcpy(out + o, &r->dst.s_addr, sig);
		o += sig;
		memcpy(out + o, &r->gw.s_addr, 4);
		o += 4;
	}
	return o;
}

/**
 * put_requested_extras() - options sent only when option 55 asks and they are set
 * @w:		writer, limited so the options that must follow still fit
 * @req:	request, for its option 55
 * @ans:	values to send
 *
 * These go after the ones every client gets; if the client's option 57 leaves
 * no room, they are left out rather than cut.
 */
static void put_requested_extras(struct opt_writer *w, const struct dhcp_msg *req,
				 const struct dhcp_answer *ans)
{
	uint8_t tmp[DHCP_OPT_DATA_MAX];
	size_t n;
	bool domain = ans->domain && *ans->domain;

	if (dhcp_msg_asks_for(req, OPT_BROADCAST))
		put_addr(w, OPT_BROADCAST, ans->broadcast);
	if (domain && dhcp_msg_asks_for(req, OPT_DOMAIN))
		put_opt(w, OPT_DOMAIN, ans->domain, strlen(ans->domain));
	if (ans->mtu && dhcp_msg_asks_for(req, OPT_MTU)) {
		uint8_t mtu[2] = { (uint8_t)(ans->mtu >> 8), (uint8_t)ans->mtu };

		put_opt(w, OPT_MTU, mtu, sizeof(mtu));
	}
	if (ans->hostname && ans->hostname_len && dhcp_msg_asks_for(req, OPT_HOSTNAME))
		put_opt(w, OPT_HOSTNAME, ans->hostname, ans->hostname_len);
	if (domain && dhcp_msg_asks_for(req, OPT_DOMAIN_SEARCH) &&
	    (n = encode_domain_search(ans->domain, tmp)))
		put_opt(w, OPT_DOMAIN_SEARCH, tmp, n);
	if (ans->n_routes && dhcp_msg_asks_for(req, OPT_CLASSLESS_ROUTES) &&
	    (n = encode_routes(ans, tmp)))
		put_opt(w, OPT_CLASSLESS_ROUTES, tmp, n);
}

/**
 * put_lease_options() - the options every OFFER and ACK carries
 * @w:		writer
 * @req:	request, for its option 55
 * @ans:	values to send
 *
 * Redox OS's client sends no option 55 and uses 1, 3 and 6 only when they are
 * exactly four bytes long, so they are always sent, each with one address.  A
 * client that does list 6 in option 55 gets every configured DNS server.
 *
 * Return: true if all of them fit.
 */
static bool put_lease_options(struct opt_writer *w, const struct dhcp_msg *req,
			      const struct dhcp_answer *ans)
{
	bool ok = true;
	size_t n_dns = dhcp_msg_asks_for(req, OPT_DNS) ? ans->n_dns : 1;

	if (ans->lease_time)
		ok = put_u32(w, OPT_LEASE_TIME, ans->lease_time);
	ok = ok && put_addr(w, OPT_SUBNET_MASK, ans->netmask);
	ok = ok && put_addr(w, OPT_ROUTER, ans->router);
	if (ans->n_dns) {
		/* Extra servers give way to what must follow (58, 59, END and the echoes). */
		size_t after = 2 + (ans->lease_time ? 12 : 0) + 1, room = 0;

		if (w->limit > w->pos + after)
			room = (w->limit - w->pos - after) / 4;
		if (n_dns > ans->n_dns)
			n_dns = ans->n_dns;
		if (n_dns > DHCP_OPT_DATA_MAX / 4)
			n_dns = DHCP_OPT_DATA_MAX / 4;
		if (n_dns > room && room)
			n_dns = room;
		ok = ok && put_opt(w, OPT_DNS, ans->dns, 4 * n_dns);
	}
	/* T1 and T2 at the RFC 2131 §4.4.5 defaults: 0.5 and 0.875 of the lease. */
	if (ans->lease_time) {
		ok = ok && put_u32(w, OPT_T1, ans->lease_time / 2);
		ok = ok && put_u32(w, OPT_T2, (uint32_t)((uint64_t)ans->lease_time * 7 / 8));
	}
	return ok;
}

/**
 * put_nak_message() - append option 56, cut to the room that is left
 * @w:		writer, limited so the echoes that must follow still fit
 * @message:	text saying why the NAK was sent
 *
 * Option 56 is a MAY (RFC 2131 table 3), while the client id echo after it is a
 * MUST (RFC 6842) and can take 257 of the 548 bytes a 576-byte client accepts.
 * The text gives way, so the NAK itself is always sent.
 */
static void put_nak_message(struct opt_writer *w, const char *message)
{
	size_t len = strnlen(message, NAK_MESSAGE_MAX), room = 0;

	/* put_opt() needs two bytes of header and one kept for END. */
	if (w->limit > w->pos + 3)
		room = w->limit - w->pos - 3;
	if (len > room)
		len = room;
	if (len)
		put_opt(w, OPT_MESSAGE, message, len);
}

/**
 * dhcp_build() - write a reply to @req
 * @req:	the parsed request being answered
 * @ans:	what to answer
 * @buf:	output buffer
 * @size:	its size; at least DHCP_MIN_MAX_SIZE - DHCP_IP_UDP_HEADERS
 *
 * Option 53 comes first: some clients (Redox's among them) look only at the
 * start.  Then 54, the lease options, the extras the client asked for, the
 * client id echo (RFC 6842) and rapid commit.  The reply never exceeds the
 * client's option 57 and is padded to the BOOTP minimum of 300 bytes.
 *
 * Return: the reply length, or 0 if it cannot be built in @size bytes.
 */
size_t dhcp_build(const struct dhcp_msg *req, const struct dhcp_answer *ans,
		  uint8_t *buf, size_t size)
{
	struct opt_writer w = { .buf = buf, .pos = DHCP_OPTIONS_OFFSET };
	uint8_t type = ans->type;
	size_t tail = 0, len;
	bool ok;

	w.limit = dhcp_reply_limit(req, size);
	if (w.limit < DHCP_BOOTP_MIN_LEN)
		return 0;
	memset(buf, 0, w.limit);
	buf[OFF_OP] = BOOTREPLY;
	buf[OFF_HTYPE] = HTYPE_ETHER;
	buf[OFF_HLEN] = 6;
	put32(buf + OFF_XID, req->xid);
	/* RFC 2131 table 3: flags and giaddr come from the request; ciaddr only in an ACK. */
	buf[OFF_FLAGS] = (uint8_t)(req->flags >> 8);
	buf[OFF_FLAGS + 1] = (uint8_t)req->flags;
	if (type == DHCPACK)
		memcpy(buf + OFF_CIADDR, &req->ciaddr.s_addr, 4);
	if (type != DHCPNAK)
		memcpy(buf + OFF_YIADDR, &ans->yiaddr.s_addr, 4);
	memcpy(buf + OFF_GIADDR, &req->giaddr.s_addr, 4);
	memcpy(buf + OFF_CHADDR, req->chaddr, sizeof(req->chaddr));
	memcpy(buf + OFF_COOKIE, magic_cookie, sizeof(magic_cookie));

	/* Keep room for the echoes that go last, so nothing before crowds them out. */
	if (req->client_id_len)
		tail += 2u + req->client_id_len;
	if (req->rapid_commit && ans->rapid_commit && type == DHCPACK)
		tail += 2;
	w.limit -= tail;
	ok = put_opt(&w, OPT_MSG_TYPE, &type, 1) && put_addr(&w, OPT_SERVER_ID, ans->server_id);
	if (type == DHCPNAK && ans->message && ok)
		put_nak_message(&w, ans->message);
	else if (type != DHCPNAK) {
		ok = ok && put_lease_options(&w, req, ans);
		if (ok)
			put_requested_extras(&w, req, ans);
	}
	w.limit += tail;
	if (!ok)
		return 0;
	if (req->client_id_len && !put_opt(&w, OPT_CLIENT_ID, req->client_id, req->client_id_len))
		return 0;
	if (req->rapid_commit && ans->rapid_commit && type == DHCPACK &&
	    !put_opt(&w, OPT_RAPID_COMMIT, NULL, 0))
		return 0;
	buf[w.pos++] = OPT_END;
	len = w.pos < DHCP_BOOTP_MIN_LEN ? DHCP_BOOTP_MIN_LEN : w.pos;
	return len;
}
