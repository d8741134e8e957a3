#!/usr/bin/env bash
# Builds what installs without a Java (run by Maven at pre-integration-test, from the jars in TARGET/lib):
#   es-VERSION-linux-x64.tar.gz  bin/es, a runtime made by jlink with only the modules es uses, the jars, an
#                                ahead-of-time cache made by a training run, completions and man pages
#   es_VERSION_amd64.deb         the same under /usr/lib/es, /usr/bin/es, man pages, completions, a systemd
#                                unit and /etc/es/serve.yaml (only where dpkg-deb is, as on Debian and Ubuntu)
# Usage: build.sh TARGET VERSION JDK
set -euo pipefail
target=$(cd "$1" && pwd) version=$2 jdk=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
launcher=$here/../main/dist
name=es-$version-linux-x64
tree=$target/$name

# What the jars use (listed from jdeps; the packages' tests check it by running every command): HTTP, SQL (types Jetty and Jackson name), JNDI and DNS (Redis), JMX
# (metrics), JFR (for profiling a running server), XML (Jetty) and sun.misc.Unsafe (Netty, JLine).
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported

echo "es: making the self-contained runtime ($name)" >&2
rm -rf "$tree" "$target/$name.tar.gz"
mkdir -p "$tree/lib"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --generate-cds-archive --output "$tree/runtime" >/dev/null
# The JDK's native code carries its symbols (a sixth of libjvm.so), which jlink keeps: stripped where strip is.
if command -v strip >/dev/null; then
  find "$tree/runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
    -exec strip --strip-unneeded --remove-section=.comment {} +
fi
# The runtime's class-data archive for heaps past 32 GiB only: such a JVM starts without one.
rm -f "$tree/runtime/lib/server/classes_nocoops.jsa"
cp -r "$launcher/bin" "$launcher/libexec" "$target/generated-dist/completions" "$target/generated-dist/man" "$tree/"
cp "$target"/lib/*.jar "$tree/lib/"

# Training: es publish against an es serve, both on the bundled runtime. The launcher records what the client
# loads on its first run and makes lib/es-client.aot from that on the next, so the first run after install is
# already fast. Publish alone: the cache's classes are all loaded at start, so training more commands slows
# every command's start (BENCHMARKS.md: es without a JDK).
source "$here/../../../tools/serve.sh"
log=$(mktemp)
trap 'kill ${serve_pid:-} 2>/dev/null || true; rm -f "$log"' EXIT
es_serve_start "$tree/bin/es" "$log" --token training
"$tree/bin/es" publish --url "$serve_url" --token training -q training 'a training event'
"$tree/bin/es" publish --url "$serve_url" --token training -q training 'another'
kill $serve_pid
wait $serve_pid || true
trap - EXIT
rm -f "$log"
for _ in $(seq 300); do
  [[ -f $tree/lib/es-client.aot && -z $(find "$tree/lib" -name 'es-client.*.*' -print -quit) ]] && break
  sleep 0.1
done
[[ -f $tree/lib/es-client.aot ]] || { echo "es: the training run made no ahead-of-time cache" >&2; exit 1; }
tar -C "$target" -czf "$target/$name.tar.gz" "$name"

if ! command -v dpkg-deb >/dev/null; then
  echo "es: no dpkg-deb here: the .deb is not built" >&2
  exit 0
fi
deb_version=${version//-/\~}
root=$target/deb
echo "es: making es_${deb_version}_amd64.deb" >&2
rm -rf "$root" "$target"/es_*_amd64.deb
install -d "$root/usr/lib/es" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/es" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/lib/systemd/system" "$root/etc/es" "$root/DEBIAN"
# -p: the cache records each jar's time and size, and is only used where they match.
cp -rp "$tree/bin" "$tree/libexec" "$tree/lib" "$tree/runtime" "$root/usr/lib/es/"
# As Debian has them: files 644 and programs 755.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root"/usr/lib/es/bin/es "$root"/usr/lib/es/runtime/bin/* "$root"/usr/lib/es/runtime/lib/jspawnhelper
ln -s ../lib/es/bin/es "$root/usr/bin/es"
for page in "$tree"/man/man1/*.1; do
  gzip -9n <"$page" >"$root/usr/share/man/man1/$(basename "$page").gz"
done
# bash-completion sources the file: no #! line.
sed '1{/^#!/d}' "$tree/completions/es.bash" >"$root/usr/share/bash-completion/completions/es"
install -m 644 "$target/generated-dist/completions/_es" "$root/usr/share/zsh/vendor-completions/_es"
install -m 644 "$here/deb/es.service" "$root/usr/lib/systemd/system/es.service"
install -m 644 "$here/deb/serve.yaml" "$root/etc/es/serve.yaml"
install -m 644 "$here/deb/copyright" "$root/usr/share/doc/es/copyright"
install -D -m 644 "$here/deb/lintian-overrides" "$root/usr/share/lintian/overrides/es"
printf 'es (%s) unstable; urgency=medium\n\n  * Built from the es sources.\n\n -- The es developers <es@localhost>  %s\n' \
  "$deb_version" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" | gzip -9n >"$root/usr/share/doc/es/changelog.gz"
install -m 755 "$here/deb/postinst" "$here/deb/prerm" "$here/deb/postrm" "$root/DEBIAN/"
echo /etc/es/serve.yaml >"$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2 >DEBIAN/md5sums)
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$size/" "$here/deb/control" >"$root/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$target/es_${deb_version}_amd64.deb" >/dev/null
