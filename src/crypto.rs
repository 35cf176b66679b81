//! RSA keys and signatures with aws-lc-rs: constant-time and several times faster than the
//! pure-Rust `rsa` crate, which matters on the two hot paths (delivery signing, inbox verifying).

use aws_lc_rs::{
    encoding::AsDer,
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, ParsedPublicKey},
};
use base64::{engine::general_purpose::STANDARD as B64, Engine};

/// PEM-encoded key pair as stored in the database and published in actor documents.
#[derive(Debug, Clone)]
pub struct PemKeypair {
    /// PKCS#8 private key.
    pub private_pem: String,
    /// X.509 SubjectPublicKeyInfo public key.
    pub public_pem: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CryptoError {
    #[error("malformed PEM")]
    Pem,
    #[error("key rejected: {0}")]
    Key(String),
    #[error("signing failed")]
    Sign,
}

/// A fresh RSA-2048 key pair.
pub fn generate_keypair() -> Result<PemKeypair, CryptoError> {
    let kp = KeyPair::generate(KeySize::Rsa2048).map_err(|e| CryptoError::Key(e.to_string()))?;
    let private = kp.as_der().map_err(|e| CryptoError::Key(e.to_string()))?;
    let public = kp
        .public_key()
        .as_der()
        .map_err(|e| CryptoError::Key(e.to_string()))?;
    Ok(PemKeypair {
        private_pem: pem_encode("PRIVATE KEY", private.as_ref()),
        public_pem: pem_encode("PUBLIC KEY", public.as_ref()),
    })
}

/// Wraps DER bytes in PEM armour with 64-character lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER bytes inside the first PEM block.
pub fn pem_decode(pem: &str) -> Result<Vec<u8>, CryptoError> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    if body.is_empty() {
        return Err(CryptoError::Pem);
    }
    B64.decode(body).map_err(|_| CryptoError::Pem)
}

/// A private key ready to sign (parsing it is the slow part, so keep it around).
pub struct Signer {
    key: KeyPair,
}

impl Signer {
    pub fn from_pem(private_pem: &str) -> Result<Self, CryptoError> {
        let der = pem_decode(private_pem)?;
        let key = KeyPair::from_pkcs8(&der).map_err(|e| CryptoError::Key(e.to_string()))?;
        Ok(Self { key })
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256, base64-encoded (what `rsa-sha256` HTTP signatures carry).
    pub fn sign_b64(&self, message: &[u8]) -> Result<String, CryptoError> {
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut sig,
            )
            .map_err(|_| CryptoError::Sign)?;
        Ok(B64.encode(sig))
    }
}

/// A public key ready to verify.
pub struct Verifier {
    key: ParsedPublicKey,
}

impl Verifier {
    pub fn from_pem(public_pem: &str) -> Result<Self, CryptoError> {
        let der = pem_decode(public_pem)?;
        // Accepts SubjectPublicKeyInfo and bare PKCS#1 RSAPublicKey alike.
        let key = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        Ok(Self { key })
    }

    pub fn verify_b64(&self, message: &[u8], signature_b64: &str) -> bool {
        match B64.decode(signature_b64.trim()) {
            Ok(sig) => self.key.verify_sig(message, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_round_trip_and_tamper() {
        let kp = generate_keypair().unwrap();
        assert!(kp.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        let s = Signer::from_pem(&kp.private_pem).unwrap();
        let v = Verifier::from_pem(&kp.public_pem).unwrap();
        let sig = s.sign_b64(b"hello").unwrap();
        assert!(v.verify_b64(b"hello", &sig));
        assert!(!v.verify_b64(b"hellO", &sig));
        let other = generate_keypair().unwrap();
        let v2 = Verifier::from_pem(&other.public_pem).unwrap();
        assert!(!v2.verify_b64(b"hello", &sig));
    }

    #[test]
    fn keys_interoperate_with_the_rsa_crate_used_by_the_library() {
        // The library signs fetches with our stored PKCS#8 key through the `rsa` crate.
        use activitypub_federation::http_signatures::generate_actor_keypair;
        let lib = generate_actor_keypair().unwrap();
        let v = Verifier::from_pem(&lib.public_key).unwrap();
        let s = Signer::from_pem(&lib.private_key).unwrap();
        assert!(v.verify_b64(b"x", &s.sign_b64(b"x").unwrap()));
    }
}
