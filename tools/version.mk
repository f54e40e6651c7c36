# SPDX-License-Identifier: GPL-2.0
#
# The project's version, for the Makefiles that include this one (TOP set):
# FLEXVPN_VERSION= on make's command line wins (the packaging passes the
# Debian package version), else tools/version.sh says (VERSION, and git's
# commit in a clone). It lands in build/version, which is checked and
# rewritten only when it changed: what is built from it is rebuilt when
# the version changes, and targets that need no version (install, clean)
# never ask git. tools/build-module.sh asks tools/version.sh itself.

VERSION_FILE := $(TOP)/build/version

# the includer's first rule stays its default goal
fv_default_goal := $(.DEFAULT_GOAL)

$(VERSION_FILE): FORCE
	@mkdir -p $(@D)
	@$(TOP)/tools/version.sh '$(FLEXVPN_VERSION)' > $@.$$$$ && \
	if cmp -s $@.$$$$ $@; then rm $@.$$$$; else mv $@.$$$$ $@; fi

# $(call version_c,FILE): FILE defines flexvpn_version[] (a rule's recipe,
# the rule depending on $(VERSION_FILE))
define version_c
	@mkdir -p $(dir $(1))
	printf 'const char flexvpn_version[] = "%s";\n' "$$(cat $(VERSION_FILE))" > $(1)
endef

.PHONY: FORCE
.DEFAULT_GOAL := $(fv_default_goal)
