#include "serve/tls.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "serve/private_file.h"

namespace annals::internal {
namespace {

struct OpensslFree {
  void operator()(BIO* b) const { BIO_free(b); }
  void operator()(X509* x) const { X509_free(x); }
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
template <typename T>
using Owned = std::unique_ptr<T, OpensslFree>;

// Overwrites a secret's text when it goes, on every path.
struct Wiped {
  std::string& text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

// Never prompts on the terminal for a key's password: encrypted keys fail.
int NoPassword(char*, int, int, void*) { return -1; }

Owned<BIO> Memory(std::string_view text) {
  return Owned<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string TimeText(const ASN1_TIME* t) {
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(out.get(), t);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

// Each PEM certificate block of `text`, in order.
std::vector<std::string> CertificateBlocks(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  for (size_t at = text.find(kBegin); at != text.npos; at = text.find(kBegin, at)) {
    size_t end = text.find(kEnd, at);
    if (end == text.npos) break;
    end += kEnd.size();
    out.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

// The certificate `pem` starts with, valid now.
absl::StatusOr<Owned<X509>> LeafCertificate(std::string_view pem, const std::string& what) {
  Owned<BIO> bio = Memory(pem);
  Owned<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
  ERR_clear_error();
  if (cert == nullptr)
    return absl::InvalidArgumentError(absl::StrCat(what, ": no PEM certificate in it"));
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0)
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": the certificate expired on ", TimeText(X509_get0_notAfter(cert.get()))));
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0)
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": the certificate is not valid before ", TimeText(X509_get0_notBefore(cert.get()))));
  return cert;
}

// The key in `pem` if it is unencrypted and belongs to `cert`.
absl::Status CheckKey(std::string_view pem, X509* cert, const std::string& what) {
  if (pem.find("ENCRYPTED") != pem.npos)
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": the key is encrypted; give it unencrypted, in a file only you may read "
        "(openssl pkey -in KEY -out PLAIN)"));
  Owned<BIO> bio = Memory(pem);
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  const bool matches = key != nullptr && X509_check_private_key(cert, key.get()) == 1;
  ERR_clear_error();
  if (key == nullptr)
    return absl::InvalidArgumentError(absl::StrCat(what, ": no PEM private key in it"));
  if (!matches)
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the key does not belong to the certificate (--tls-cert)"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<kj::TlsContext>> NewServerTls(const std::string& cert_file,
                                                             const std::string& key_file) {
  auto cert_text = ReadConfigFile(cert_file, "--tls-cert");
  if (!cert_text.ok()) return cert_text.status();
  auto key_text = ReadPrivateFile(key_file, "--tls-key");
  if (!key_text.ok()) return key_text.status();
  Wiped wiped{*key_text};
  auto cert = LeafCertificate(*cert_text, "--tls-cert " + cert_file);
  if (!cert.ok()) return cert.status();
  if (absl::Status s = CheckKey(*key_text, cert->get(), "--tls-key " + key_file); !s.ok())
    return s;
  try {
    kj::TlsKeypair keypair{kj::TlsPrivateKey(kj::StringPtr(key_text->c_str())),
                           kj::TlsCertificate(kj::StringPtr(cert_text->c_str()))};
    kj::TlsContext::Options options;
    options.useSystemTrustStore = false;  // clients show tokens, not certificates
    options.minVersion = kj::TlsVersion::TLS_1_2;
    options.defaultKeypair = keypair;
    return std::make_unique<kj::TlsContext>(kj::mv(options));
  } catch (const kj::Exception& e) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert/--tls-key: ", e.getDescription().cStr()));
  }
}

kj::Promise<kj::Own<kj::AsyncIoStream>> AcceptTls(kj::TlsContext& tls, kj::Timer& timer,
                                                  kj::Duration limit,
                                                  kj::Own<kj::AsyncIoStream> stream) {
  auto handshake = kj::evalNow([&] { return tls.wrapServer(kj::mv(stream)); });
  return timer.timeoutAfter(limit, kj::mv(handshake));
}

absl::StatusOr<std::unique_ptr<kj::TlsContext>> NewClientTls(const std::string& ca_file) {
  std::vector<kj::TlsCertificate> trusted;
  if (!ca_file.empty()) {
    auto text = ReadConfigFile(ca_file, "TLS CA file");
    if (!text.ok()) return text.status();
    std::vector<std::string> blocks = CertificateBlocks(*text);
    if (blocks.empty())
      return absl::InvalidArgumentError(
          absl::StrCat("TLS CA file ", ca_file, ": no PEM certificate in it"));
    try {
      for (const std::string& block : blocks)
        trusted.emplace_back(kj::StringPtr(block.c_str()));
    } catch (const kj::Exception& e) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("TLS CA file ", ca_file, ": ", e.getDescription().cStr()));
    }
  }
  try {
    kj::TlsContext::Options options;
    options.minVersion = kj::TlsVersion::TLS_1_2;
    options.trustedCertificates = kj::arrayPtr(trusted.data(), trusted.size());
    return std::make_unique<kj::TlsContext>(kj::mv(options));
  } catch (const kj::Exception& e) {
    ERR_clear_error();
    return absl::InternalError(absl::StrCat("TLS: ", e.getDescription().cStr()));
  }
}

}  // namespace annals::internal
