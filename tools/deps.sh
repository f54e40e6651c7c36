#!/bin/bash
# Installs what building and testing flexvpn needs on Debian 12 (bookworm)
# and records the kernels to build for and boot in build/kernels: the newest
# installed 6.1 and 6.12 kernels that have both an image and headers.
# Idempotent, and silent when nothing is missing.
#
# usage: tools/deps.sh            install what is missing, write build/kernels
#        tools/deps.sh --kernels  only print those kernels, one per line
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
me=tools/deps.sh

# Debian packages the project needs. Add new ones here.
PACKAGES=(
	build-essential pkg-config kmod xz-utils zstd cpio
	qemu-system-x86 busybox-static
	libmnl-dev
	# charon and swanctl for the strongSwan plugin (built against the
	# headers of Debian's source package: tools/strongswan-headers.sh needs
	# dpkg-dev for `apt-get source`); the guest tests run them.
	strongswan-charon strongswan-swanctl libcharon-extra-plugins dpkg-dev
	# the package tests' gateway runs charon as systemd's strongswan.service,
	# which loads the swanctl configuration as it starts
	charon-systemd
	# the Debian packages (make deb): debhelper with dh-dkms, lintian; the
	# package tests install flexvpn-dkms, whose DKMS builds the module in the
	# guest, and keep the guest's root overlay on an ext4 image (mkfs.ext4)
	debhelper dh-dkms dkms lintian e2fsprogs
	iproute2 iputils-ping iperf3 tshark socat tcpdump jq
	# the NAT router of selftests/plugin_nat.sh (masquerade)
	nftables
	# benchmark B6's NFLOG candidate: FRR's documented iptables rule
	# (iptables-nft, with the xt hashlimit match and NFLOG target)
	iptables
	# the NHRP codec's fuzzer (userspace/nhrp/fuzz_nhrp.c): clang, and
	# libclang-rt-14-dev for libFuzzer and the sanitizer runtimes
	clang libclang-rt-14-dev
	linux-source-6.1
	# the netlink spec (uapi/flexvpn.yaml): the kernel's YNL generator and
	# CLI come from linux-source-6.12 (tools/ynl/extract.sh) and need
	# PyYAML, and jsonschema to validate the spec against its schema
	linux-source-6.12 python3-yaml python3-jsonschema
	# The 6.1 LTS kernel Debian 12 runs; the newest 6.12 is added below.
	linux-image-amd64 linux-headers-amd64
)

# Kernel series the module is built for and tested on.
SERIES=(6.1 6.12)

# Apt index targets ("TYPE SUITE") the project needs: source packages (for
# building against Debian's own sources, e.g. strongSwan) and backports.
APT_TARGETS=(
	"deb-src bookworm" "deb-src bookworm-updates" "deb-src bookworm-security"
	"deb bookworm-backports" "deb-src bookworm-backports"
)
SOURCES_FILE=/etc/apt/sources.list.d/flexvpn.sources

die() { echo "$me: $*" >&2; exit 1; }

# The newest installed kernel of each series with an image, headers and a
# module tree: the versions the Makefile builds for and tools/vm/run boots.
installed_kernels() {
	local series img k best
	for series in "${SERIES[@]}"; do
		best=
		for img in /boot/vmlinuz-"$series".*-amd64; do
			k=${img#/boot/vmlinuz-}
			case $k in *-rt-amd64 | *-cloud-amd64) continue ;; esac
			[[ -f $img && -f /lib/modules/$k/modules.dep ]] || continue
			[[ -f /usr/src/linux-headers-$k/Makefile || -f /lib/modules/$k/build/Makefile ]] || continue
			best=$(printf '%s\n' "$best" "$k" | sort -V | tail -n 1)
		done
		[[ -z $best ]] || echo "$best"
	done
}

if [[ ${1:-} == --kernels ]]; then
	installed_kernels
	exit 0
fi
(($# == 0)) || die "usage: $me [--kernels]"

command -v apt-get >/dev/null || die "needs a Debian 12 machine (apt-get)"
sudo=
if ((EUID != 0)); then
	sudo=sudo
fi
as_root() {
	[[ -z $sudo ]] || command -v sudo >/dev/null || die "must run as root to install packages"
	$sudo env DEBIAN_FRONTEND=noninteractive "$@"
}

updated=
apt_update() {
	[[ -z $updated ]] || return 0
	as_root apt-get update -qq
	updated=1
}

# Writes $SOURCES_FILE with the targets no other apt source provides, reusing
# the mirrors the system already uses. Sets sources_changed when it did.
sources_changed=
ensure_sources() {
	local have type suite uri entry want=() main_uri security_uri content=
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	have=$(apt-get indextargets --no-release-info \
		--format '$(TARGET_OF) $(RELEASE) $(REPO_URI) $(SOURCESENTRY)' | sort -u)
	main_uri=$(awk '$1 == "deb" && $2 == "bookworm" { print $3; exit }' <<<"$have")
	security_uri=$(awk '$1 == "deb" && $2 == "bookworm-security" { print $3; exit }' <<<"$have")
	main_uri=${main_uri:-http://deb.debian.org/debian/}
	security_uri=${security_uri:-http://deb.debian.org/debian-security/}

	for entry in "${APT_TARGETS[@]}"; do
		read -r type suite <<<"$entry"
		awk -v t="$type" -v s="$suite" -v f="$SOURCES_FILE" \
			'$1 == t && $2 == s && index($4, f ":") != 1 { found = 1 } END { exit !found }' \
			<<<"$have" || want+=("$entry")
	done
	for entry in "${want[@]}"; do
		read -r type suite <<<"$entry"
		uri=$main_uri
		[[ $suite != *-security ]] || uri=$security_uri
		content+="Types: $type
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

"
	done

	if ((${#want[@]} == 0)); then
		if [[ -e $SOURCES_FILE ]]; then
			as_root rm -f "$SOURCES_FILE"
			sources_changed=1
		fi
		return 0
	fi
	content="# Written by flexvpn's $me: what the project needs that no other source provides.
$content"
	if [[ -e $SOURCES_FILE && $(<"$SOURCES_FILE") == "$(printf '%s' "$content")" ]]; then
		return 0
	fi
	echo "$me: adding apt sources: ${want[*]}"
	printf '%s' "$content" | as_root tee "$SOURCES_FILE" >/dev/null
	sources_changed=1
}

# The newest 6.12 kernel apt offers with matching headers, as an ABI name.
newest_612() {
	local abi
	for abi in $(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+(deb12|bpo)-amd64$' |
		awk '{ sub(/^linux-image-/, "", $1); print $1 }' | sort -rV); do
		if apt-cache show "linux-headers-$abi" >/dev/null 2>&1; then
			echo "$abi"
			return
		fi
	done
}

# The packages of $wanted that are not installed.
missing_packages() {
	local -A ok=()
	local pkg status
	while read -r pkg status; do
		[[ $status != ii ]] || ok[${pkg%%:*}]=1
	done < <(dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
	for pkg in "${wanted[@]}"; do
		[[ -n ${ok[$pkg]:-} ]] || echo "$pkg"
	done
}

wanted=()
plan() {
	local abi
	abi=$(newest_612)
	if [[ -z $abi && -z $updated ]]; then
		apt_update
		abi=$(newest_612)
	fi
	[[ -n $abi ]] || die "apt offers no linux-image-6.12.*+deb12-amd64 with headers"
	wanted=("${PACKAGES[@]}" "linux-image-$abi" "linux-headers-$abi")
	mapfile -t missing < <(missing_packages)
}

ensure_sources
if [[ -n $sources_changed ]]; then
	apt_update
fi
plan
if ((${#missing[@]})) && [[ -z $updated ]]; then
	apt_update
	plan
fi
if ((${#missing[@]})); then
	echo "$me: installing: ${missing[*]}"
	if [[ " ${missing[*]} " == *" tshark "* ]]; then
		echo 'wireshark-common wireshark-common/install-setuid boolean false' |
			as_root debconf-set-selections
	fi
	as_root apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
fi

kernels=$(installed_kernels)
for series in "${SERIES[@]}"; do
	grep -q "^$series\." <<<"$kernels" || die "no usable $series kernel (image + headers) installed"
done
mkdir -p "$top/build"
if [[ ! -f $top/build/kernels || $(<"$top/build/kernels") != "$kernels" ]]; then
	echo "$kernels" >"$top/build/kernels"
fi
