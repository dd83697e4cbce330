#!/usr/bin/env bash
# Makes this directory's test-only certificates and keys (not run by the
# build; the files are committed). The keys are public: never use them
# outside tests.
#   server.pem/.key   self-signed, for localhost and 127.0.0.1, 100 years
#   other.pem/.key    self-signed, for annals.example.org only, 100 years
#   expired.pem/.key  self-signed, for localhost, expired in 2020
#   encrypted.key     server.key encrypted (password "annals")
set -euo pipefail
cd "$(dirname "$0")"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout server.key -out server.pem -days 36500 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1
openssl req -x509 "${ec[@]}" -keyout other.key -out other.pem -days 36500 \
  -subj /CN=annals.example.org -addext subjectAltName=DNS:annals.example.org
openssl pkey -in server.key -aes256 -passout pass:annals -out encrypted.key
# An expired one: a CA-less `openssl ca` run with fixed dates.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -new "${ec[@]}" -keyout expired.key -out "$tmp/req.csr" -subj /CN=localhost
touch "$tmp/index.txt"
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
echo 01 > "$tmp/serial"
openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile expired.key \
  -startdate 20190101000000Z -enddate 20200101000000Z -in "$tmp/req.csr" \
  -out expired.pem -notext
