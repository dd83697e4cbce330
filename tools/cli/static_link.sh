#!/bin/bash
# Link launcher for the annals CLI (tools/CMakeLists.txt, ANNALS_STATIC_CLI):
# runs the link command it is given with the shared RocksDB, Abseil,
# Cap'n Proto/KJ (with its RPC, async, HTTP and TLS parts), xxHash, zlib and
# utf8proc libraries replaced by their static archives (when installed), and
# RocksDB's compression libraries added after them. OpenSSL (libcrypto, and
# libssl, which KJ's TLS uses) is taken from its archives only when KJ's TLS
# is, and all three archives are installed: a binary with a static OpenSSL
# that also loaded the shared one through libkj-tls.so would carry two.
# A static OpenSSL is fixed by Debian's security updates only once the CLI is
# rebuilt.
# Why: a one-shot query's process spent more CPU resolving the ~50 shared
# libraries' symbols at start than answering (issue 19, bench/README.md); the
# shared TLS libraries alone doubled `annals --version` (8.4 -> 17.4 ms).
# The shared libannals for embedders and Python is linked as before.
args=()
statics=()
add_static() {
  [[ " ${statics[*]} " == *" $1 "* ]] || statics+=("$1")
}
openssl_static() {  # $1: the directory of the libraries
  [[ -f $1libkj-tls.a && -f $1libssl.a && -f $1libcrypto.a ]]
}
for a in "$@"; do
  if [[ $a =~ ^(/.*/)(lib(absl_[a-z0-9_]+|capnp|capnp-rpc|kj|kj-async|kj-http|kj-tls|crypto|rocksdb|utf8proc|xxhash|z))(-[0-9.]+)?\.so(\.[0-9.]+)*$ ]]; then
    dir="${BASH_REMATCH[1]}"
    name="${BASH_REMATCH[2]}"
    archive="$dir$name.a"
    if [[ $name == libkj-tls || $name == libcrypto ]] && ! openssl_static "$dir"; then
      args+=("$a")
      continue
    fi
    if [[ -f $archive ]]; then
      add_static "$archive"
      if [[ $name == libkj-tls ]]; then
        add_static "${dir}libssl.a"
        add_static "${dir}libcrypto.a"
      fi
      continue
    fi
  fi
  args+=("$a")
done
if [[ ${#statics[@]} -eq 0 ]]; then exec "${args[@]}"; fi
# Not position-independent: the executable then needs no relocations at start.
# The compression libraries' archives too (-Bstatic), where installed.
exec "${args[@]}" -no-pie -Wl,--start-group "${statics[@]}" -Wl,--end-group \
  -Wl,-Bstatic -lgflags -lsnappy -llz4 -lzstd -lbz2 -lz -Wl,-Bdynamic -lpthread -ldl
