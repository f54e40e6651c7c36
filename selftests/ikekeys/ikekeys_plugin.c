/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A TEST-ONLY charon plugin: appends the keys of every IKEv2 SA to a
 * Wireshark "ikev2_decryption_table" so that tshark can decrypt the IKE
 * messages a selftest captured (selftests/plugin_site.sh checks the
 * configuration payloads that carry the routes). Debian's charon 5.9.8 is
 * built without strongSwan's own save-keys plugin. Never install this on a
 * real gateway: whoever reads the file can decrypt the IKE_SAs. It only
 * observes; `make install` does not install it.
 *
 * charon hands out the derived keys in the ike_derived_keys hook while it
 * still names the old IKE_SA as the thread's SA when it rekeys one, so the
 * keys wait in a thread-local slot for the ike_keys hook that follows and
 * names the IKE_SA the keys belong to.
 *
 * Settings: charon.plugins.ikekeys.file, the table to append to (nothing is
 * written without it).
 */

#include <daemon.h>
#include <plugins/plugin.h>
#include <threading/mutex.h>
#include <threading/thread_value.h>

#include <stdio.h>
#include <inttypes.h>
#include <errno.h>

typedef struct private_ikekeys_plugin_t private_ikekeys_plugin_t;
typedef struct private_ikekeys_listener_t private_ikekeys_listener_t;
typedef struct ikekeys_keys_t ikekeys_keys_t;
typedef struct ikekeys_name_t ikekeys_name_t;

/**
 * Keys derived but not yet written: the SKs the table needs.
 */
struct ikekeys_keys_t {
	chunk_t sk_ei;
	chunk_t sk_er;
	chunk_t sk_ai;
	chunk_t sk_ar;
};

struct private_ikekeys_listener_t {

	/**
	 * Implements listener interface: first, as METHOD() needs
	 */
	listener_t public;

	/**
	 * The table we append to, NULL to write nothing
	 */
	char *file;

	/**
	 * Keys of this thread waiting for their IKE_SA (ikekeys_keys_t)
	 */
	thread_value_t *pending;

	/**
	 * Serialises appends from several IKE threads
	 */
	mutex_t *mutex;
};

struct private_ikekeys_plugin_t {

	/**
	 * Implements plugin interface
	 */
	plugin_t public;

	/**
	 * Receives the keys
	 */
	private_ikekeys_listener_t *listener;
};

/**
 * An IKEv2 transform and the name Wireshark's UAT field gives it
 */
struct ikekeys_name_t {
	uint16_t alg;
	/** key size in bits, 0 for any */
	uint16_t key_size;
	const char *name;
};

/**
 * The values of the "Encryption algorithm" field of the table
 */
static ikekeys_name_t encr_names[] = {
	{ ENCR_NULL,			0,		"NULL [RFC2410]" },
	{ ENCR_3DES,			0,		"3DES [RFC2451]" },
	{ ENCR_AES_CBC,			128,	"AES-CBC-128 [RFC3602]" },
	{ ENCR_AES_CBC,			192,	"AES-CBC-192 [RFC3602]" },
	{ ENCR_AES_CBC,			256,	"AES-CBC-256 [RFC3602]" },
	{ ENCR_AES_CTR,			128,	"AES-CTR-128 [RFC5930]" },
	{ ENCR_AES_CTR,			256,	"AES-CTR-256 [RFC5930]" },
	{ ENCR_AES_GCM_ICV16,	128,	"AES-GCM-128 with 16 octet ICV [RFC5282]" },
	{ ENCR_AES_GCM_ICV16,	256,	"AES-GCM-256 with 16 octet ICV [RFC5282]" },
};

/**
 * The values of the "Integrity algorithm" field of the table
 */
static ikekeys_name_t integ_names[] = {
	{ AUTH_HMAC_SHA1_96,		0,	"HMAC_SHA1_96 [RFC2404]" },
	{ AUTH_HMAC_SHA2_256_128,	0,	"HMAC_SHA2_256_128 [RFC4868]" },
	{ AUTH_HMAC_SHA2_384_192,	0,	"HMAC_SHA2_384_192 [RFC4868]" },
	{ AUTH_HMAC_SHA2_512_256,	0,	"HMAC_SHA2_512_256 [RFC4868]" },
	/* AEAD ciphers: no separate integrity transform */
	{ AUTH_UNDEFINED,			0,	"NONE [RFC4306]" },
};

static const char *name_of(ikekeys_name_t *names, int count, uint16_t alg,
						   uint16_t key_size)
{
	int i;

	for (i = 0; i < count; i++)
	{
		if (names[i].alg == alg &&
			(!names[i].key_size || names[i].key_size == key_size))
		{
			return names[i].name;
		}
	}
	return NULL;
}

static void keys_destroy(ikekeys_keys_t *keys)
{
	chunk_clear(&keys->sk_ei);
	chunk_clear(&keys->sk_er);
	chunk_clear(&keys->sk_ai);
	chunk_clear(&keys->sk_ar);
	free(keys);
}

/**
 * Appends one row: I-SPI, R-SPI, SK_ei, SK_er, encryption, SK_ai, SK_ar,
 * integrity, the order of Wireshark's ikev2_decryption_table fields.
 */
static void write_row(private_ikekeys_listener_t *this, ike_sa_t *ike_sa,
						ikekeys_keys_t *keys)
{
	proposal_t *proposal;
	ike_sa_id_t *id;
	const char *encr = NULL, *integ = NULL;
	uint16_t alg = ENCR_UNDEFINED, key_size = 0;
	FILE *file;

	proposal = ike_sa->get_proposal(ike_sa);
	if (proposal &&
		proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &alg,
								&key_size))
	{
		encr = name_of(encr_names, countof(encr_names), alg, key_size);
		if (!encryption_algorithm_is_aead(alg))
		{
			alg = AUTH_UNDEFINED;
			if (!proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &alg,
										 NULL))
			{
				alg = AUTH_UNDEFINED;
			}
			integ = alg == AUTH_UNDEFINED ? NULL :
					name_of(integ_names, countof(integ_names), alg, 0);
		}
		else
		{
			integ = name_of(integ_names, countof(integ_names),
							AUTH_UNDEFINED, 0);
		}
	}
	if (!encr || !integ)
	{
		DBG1(DBG_IKE, "ikekeys: Wireshark has no name for %P, keys of "
			 "IKE_SA %u not saved", proposal, ike_sa->get_unique_id(ike_sa));
		return;
	}

	id = ike_sa->get_id(ike_sa);
	this->mutex->lock(this->mutex);
	file = fopen(this->file, "a");
	if (file)
	{
		fprintf(file, "%.16"PRIx64",%.16"PRIx64",%+B,%+B,\"%s\",%+B,%+B,"
				"\"%s\"\n", be64toh(id->get_initiator_spi(id)),
				be64toh(id->get_responder_spi(id)), &keys->sk_ei,
				&keys->sk_er, encr, &keys->sk_ai, &keys->sk_ar, integ);
		fclose(file);
	}
	else
	{
		DBG1(DBG_IKE, "ikekeys: cannot open '%s': %s", this->file,
			 strerror(errno));
	}
	this->mutex->unlock(this->mutex);
}

METHOD(listener_t, ike_derived_keys, bool,
	private_ikekeys_listener_t *this, ike_sa_t *ike_sa, chunk_t sk_d,
	chunk_t sk_ai, chunk_t sk_ar, chunk_t sk_ei, chunk_t sk_er,
	chunk_t sk_pi, chunk_t sk_pr)
{
	ikekeys_keys_t *keys;

	if (!ike_sa || ike_sa->get_version(ike_sa) != IKEV2)
	{
		return TRUE;
	}
	INIT(keys,
		.sk_ei = chunk_clone(sk_ei),
		.sk_er = chunk_clone(sk_er),
		.sk_ai = chunk_clone(sk_ai),
		.sk_ar = chunk_clone(sk_ar),
	);
	/* a slot left over from a derivation that failed later */
	if (this->pending->get(this->pending))
	{
		keys_destroy(this->pending->get(this->pending));
	}
	this->pending->set(this->pending, keys);
	return TRUE;
}

METHOD(listener_t, ike_keys, bool,
	private_ikekeys_listener_t *this, ike_sa_t *ike_sa, key_exchange_t *dh,
	chunk_t dh_other, chunk_t nonce_i, chunk_t nonce_r, ike_sa_t *rekey,
	shared_key_t *shared, auth_method_t method)
{
	ikekeys_keys_t *keys;

	keys = this->pending->get(this->pending);
	if (keys)
	{
		this->pending->set(this->pending, NULL);
		write_row(this, ike_sa, keys);
		keys_destroy(keys);
	}
	return TRUE;
}

METHOD(plugin_t, get_name, char*,
	private_ikekeys_plugin_t *this)
{
	return "ikekeys";
}

static bool plugin_cb(private_ikekeys_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		charon->bus->add_listener(charon->bus, &this->listener->public);
	}
	else
	{
		charon->bus->remove_listener(charon->bus, &this->listener->public);
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_ikekeys_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "ikekeys"),
	};
	*features = f;
	return countof(f);
}

static void listener_destroy(private_ikekeys_listener_t *this)
{
	this->pending->destroy(this->pending);
	this->mutex->destroy(this->mutex);
	free(this);
}

static private_ikekeys_listener_t *listener_create()
{
	private_ikekeys_listener_t *this;

	INIT(this,
		.public = {
			.ike_derived_keys = _ike_derived_keys,
			.ike_keys = _ike_keys,
		},
		.file = lib->settings->get_str(lib->settings,
									   "%s.plugins.ikekeys.file", NULL,
									   lib->ns),
		.pending = thread_value_create((void*)keys_destroy),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (this->file)
	{
		DBG0(DBG_DMN, "ikekeys: TEST ONLY: saving the keys of every IKEv2 SA "
			 "to '%s'", this->file);
	}
	else
	{
		/* nothing to do: do not even listen */
		this->public.ike_derived_keys = NULL;
		this->public.ike_keys = NULL;
	}
	return this;
}

METHOD(plugin_t, destroy, void,
	private_ikekeys_plugin_t *this)
{
	listener_destroy(this->listener);
	free(this);
}

/**
 * Plugin constructor, found by name by charon's plugin loader
 */
plugin_t *ikekeys_plugin_create();

plugin_t *ikekeys_plugin_create()
{
	private_ikekeys_plugin_t *this;

	INIT(this,
		.public = {
			.get_name = _get_name,
			.get_features = _get_features,
			.destroy = _destroy,
		},
		.listener = listener_create(),
	);
	return &this->public;
}
