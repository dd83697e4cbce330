#!/bin/bash
# Link launcher for the annals CLI (tools/CMakeLists.txt, ANNALS_STATIC_CLI):
# runs the link command it is given with the shared RocksDB, Abseil,
# Cap'n Proto/KJ (with its RPC, async and HTTP parts), xxHash, zlib and utf8proc
# libraries replaced by their static archives (when installed), and
# RocksDB's compression libraries added after them.
# Why: a one-shot query's process spent more CPU resolving the ~50 shared
# libraries' symbols at start than answering (issue 19, bench/README.md).
# The shared libannals for embedders and Python is linked as before.
args=()
statics=()
for a in "$@"; do
  if [[ $a =~ ^(/.*/)(lib(absl_[a-z0-9_]+|capnp|capnp-rpc|kj|kj-async|kj-http|kj-tls|crypto|rocksdb|utf8proc|xxhash|z))(-[0-9.]+)?\.so(\.[0-9.]+)*$ ]]; then
    archive="${BASH_REMATCH[1]}${BASH_REMATCH[2]}.a"
    if [[ -f $archive ]]; then
      [[ " ${statics[*]} " == *" $archive "* ]] || statics+=("$archive")
      # KJ's TLS needs OpenSSL's libssl, which the link names only through
      # libkj-tls.so; with libcrypto it is taken from its archive too.
      ssl="${BASH_REMATCH[1]}libssl.a"
      if [[ ${BASH_REMATCH[2]} == libkj-tls && -f $ssl ]]; then statics+=("$ssl"); fi
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
