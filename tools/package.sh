#!/usr/bin/env bash
# Builds the Debian package of Suricate Desktop with Briefcase, end to end, then installs it, checks that
# the installed app runs (the CLI lists its templates and reads the sample recording, as
# `suricate-desktop --cli` and as the package's `suricate` command, every module imports, the workbench
# window stays up on a virtual screen) and removes it again. Run before a release, as root, on Debian 12;
# not part of CI (a few minutes). See README.md, "Packaging".
#
#   tools/package.sh [TEMPLATE_DIR]
#
# TEMPLATE_DIR is Briefcase's Linux system template (a local copy, for machines that cannot reach GitHub);
# default: $SURICATE_BRIEFCASE_TEMPLATE, else ../shared/vendor/briefcase-linux-system-template next to
# the repository. Set it to "github" to let Briefcase clone its own.
# Environment: KEEP_INSTALLED=1 leaves the package installed; SKIP_CHECK=1 builds only;
# DPKG_DEB_COMPRESSOR_TYPE / DPKG_DEB_COMPRESSOR_LEVEL: the .deb's compression (default zstd, level 9).
# Outputs (ignored by git): build/venv (Briefcase, on the system Python), build/suricate-desktop (the
# bundle), dist/suricate-desktop_<version>-1~debian-bookworm_amd64.deb, build/package.log (timings).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

template=${1:-${SURICATE_BRIEFCASE_TEMPLATE:-$root/../shared/vendor/briefcase-linux-system-template}}
if [ "$template" = github ]; then
    template_option=()
else
    [ -f "$template/cookiecutter.json" ] || { echo "package: no Briefcase template at $template" >&2; exit 2; }
    template=$(cd "$template" && pwd)
    template_option=(-C "template=\"$template\"")
fi
log=build/package.log
mkdir -p build
: >"$log"
apt_options="-y -qq -o DPkg::Lock::Timeout=600"  # wait for another apt-get rather than fail
say() { echo "package: $*" | tee -a "$log"; }
step() {  # step NAME COMMAND...: run, time and log one stage
    local name=$1 start=$SECONDS; shift
    say "$name ..."
    "$@" 2>&1 | tee -a "$log"
    say "$name took $((SECONDS - start)) s"
}

# Linux system packages embed the system Python (/usr/bin/python3), so Briefcase must run on it too.
[ -x /usr/bin/python3 ] || { echo "package: needs the system Python, /usr/bin/python3" >&2; exit 2; }
need=(python3-venv python3-dev build-essential dpkg-dev)
# The app's system_runtime_requires (pyproject.toml): Briefcase checks them on the build machine as well.
mapfile -t runtime < <(/usr/bin/python3 -c '
import tomllib
app = tomllib.load(open("pyproject.toml", "rb"))["tool"]["briefcase"]["app"]["suricate-desktop"]
print("\n".join(app["linux"]["system"]["debian"]["system_runtime_requires"]))')
missing=()
for pkg in "${need[@]}" "${runtime[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if ((${#missing[@]})); then
    step "apt-get install ${missing[*]}" bash -c \
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install $apt_options ${missing[*]}"
fi

venv=build/venv
if [ ! -x "$venv/bin/briefcase" ] || [ "$(readlink -f "$venv/bin/python3")" != "$(readlink -f /usr/bin/python3)" ]; then
    rm -rf "$venv"
    step "venv with Briefcase" bash -c "/usr/bin/python3 -m venv $venv && $venv/bin/pip install -q 'briefcase==0.4.7'"
fi
briefcase=("$venv/bin/briefcase")

rm -rf build/suricate-desktop dist
total=$SECONDS
step "briefcase create" "${briefcase[@]}" create linux system --no-input "${template_option[@]}"
step "briefcase build" "${briefcase[@]}" build linux system --no-input
bundle=$(ls -d build/suricate-desktop/debian/*/suricate-desktop-*/ | head -1)
# The `suricate` command: Briefcase makes only the app's launcher, so add it to the built tree (755, as
# build leaves every file) before `briefcase package`, which packs the tree as it is without rebuilding.
install -m 755 tools/suricate "$bundle/usr/bin/suricate"
# Briefcase runs dpkg-deb, whose default, xz -6, took 643 s for a 114 MB .deb here; zstd -9 takes 16 to
# 30 s for 140 MB (README, "Size and build time"). Debian 12's dpkg reads zstd.
export DPKG_DEB_COMPRESSOR_TYPE=${DPKG_DEB_COMPRESSOR_TYPE:-zstd} DPKG_DEB_COMPRESSOR_LEVEL=${DPKG_DEB_COMPRESSOR_LEVEL:-9}
step "briefcase package" "${briefcase[@]}" package linux system --no-input
deb=$(ls dist/*.deb)
say "built $deb ($DPKG_DEB_COMPRESSOR_TYPE -$DPKG_DEB_COMPRESSOR_LEVEL): $(du -m "$deb" | cut -f1) MB package, $(du -sm "$bundle" | cut -f1) MB installed, $((SECONDS - total)) s to create, build and package"
say "largest parts: $(du -sm "$bundle"/usr/lib/suricate-desktop/app_packages/* | sort -rn | head -8 | awk '{printf "%s %s MB, ", $2, $1}' | sed "s|$bundle/usr/lib/suricate-desktop/app_packages/||g")"

[ "${SKIP_CHECK:-}" = 1 ] && exit 0

# --- Install it as a user would and check the installed app.
# --reinstall: a package of the same version left installed (KEEP_INSTALLED) is replaced, not kept.
step "apt-get install ./$deb" bash -c "DEBIAN_FRONTEND=noninteractive apt-get install $apt_options --reinstall ./$deb"
home=$(mktemp -d)  # a first run: no remembered sources or settings
finish() {
    rm -rf "$home"
    [ "${KEEP_INSTALLED:-}" = 1 ] || step "apt-get remove suricate-desktop" apt-get remove $apt_options suricate-desktop
}
trap finish EXIT
export HOME=$home XDG_CONFIG_HOME=$home/.config
app=/usr/bin/suricate-desktop  # by its path: a pip-installed suricate-desktop may come first on PATH
templates=$("$app" --cli templates | tee -a "$log" | grep -c . || true)
[ "$templates" -ge 20 ] || { say "FAIL: the installed CLI lists $templates templates"; exit 1; }
say "installed CLI lists $templates templates"
# Every module imports with the package's interpreter and the trimmed dependencies.
BRIEFCASE_MAIN_MODULE=cProfile "$app" -o /dev/null "$root/tools/bundle_imports.py" 2>&1 | tee -a "$log" \
    || { say "FAIL: modules that do not import in the installed package"; exit 1; }
sample=/usr/lib/suricate-desktop/app/resources/recordings/bpftrace-demo
count="SELECT count(*) AS n FROM recording"
rows=$("$app" --cli query "$sample" "$count" --csv 2>&1 | tee -a "$log" | tail -1)
[[ $rows =~ ^[1-9][0-9]*$ ]] || { say "FAIL: the installed CLI cannot read the sample recording"; exit 1; }
say "installed CLI reads the sample recording: $rows rows"
# The package's own `suricate` command (tools/suricate), the same CLI by its usual name.
cli=/usr/bin/suricate  # by its path: pip's suricate may come first on PATH
[ "$(dpkg -S "$cli" 2>/dev/null | cut -d: -f1)" = suricate-desktop ] \
    || { say "FAIL: the package does not install $cli"; exit 1; }
help=$("$cli" --help) && tee -a "$log" <<<"$help" >/dev/null && [[ $help == "usage: suricate "* ]] \
    || { say "FAIL: $cli --help does not print the CLI's usage"; exit 1; }
[ "$("$cli" templates | grep -c . || true)" = "$templates" ] \
    || { say "FAIL: $cli templates does not list the $templates templates"; exit 1; }
[ "$("$cli" query "$sample" "$count" --csv 2>&1 | tail -1)" = "$rows" ] \
    || { say "FAIL: $cli query does not read the sample recording"; exit 1; }
say "installed $cli: --help, templates ($templates) and query ($rows rows) as suricate-desktop --cli"
# The window: up for 20 s on an offscreen screen without exiting (a CLI started by mistake exits at once).
QT_QPA_PLATFORM=offscreen "$app" >"$home/gui.log" 2>&1 & gui=$!
sleep 20
if ! kill -0 "$gui" 2>/dev/null; then
    tee -a "$log" <"$home/gui.log"
    say "FAIL: the installed workbench exited within 20 s"; exit 1
fi
kill "$gui"; wait "$gui" 2>/dev/null || true
say "installed workbench ran 20 s"
say "OK"
