package dev.es.server.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.es.common.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The key that channel tokens are signed with. A channel token is a JWT naming, in its {@value #CLAIM} claim,
 * the channels its holder may follow and publish to, as Mercure's tokens do:
 * {@code {"es": {"subscribe": ["news-*"], "publish": ["chat"]}}}. The key is an HMAC secret (HS256, HS384,
 * HS512) or a public key (RS*, PS* with RSA; ES* with EC); a token signed with any other algorithm, with
 * {@code none}, or past its {@code exp} or before its {@code nbf}, grants nothing.
 */
public final class JwtKey {

    /** The claim holding a token's rights. */
    public static final String CLAIM = "es";
    /** What HS256 needs (RFC 7518 3.2): a shorter secret can be guessed. */
    public static final int MIN_SECRET_BYTES = 32;
    /** What RFC 7518 3.3 asks of RS256 keys. */
    public static final int MIN_RSA_BITS = 2048;
    /** Between the issuer's clock and ours. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final JWSVerifier verifier;

    private JwtKey(JWSVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * The key in a file: a PEM public key ({@code -----BEGIN PUBLIC KEY-----}), else an HMAC secret, the file's
     * text without its trailing line break (as {@code openssl rand -base64 48 > FILE} writes one).
     *
     * @throws IllegalArgumentException naming the file, in one line, when it cannot be read or used
     */
    public static JwtKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the JWT key " + file + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
        // Public material taken for a secret would let anyone sign: a certificate, a PKCS#1 or SSH public key, a
        // JWK. A private key is refused too: the hub needs only the public half.
        if (!text.contains(PemFiles.PUBLIC_KEY_BEGIN) && looksLikeKeyMaterial(text)) {
            throw new IllegalArgumentException("the JWT key " + file + " is neither a PEM public key (-----BEGIN PUBLIC "
                    + "KEY-----, e.g. openssl pkey -pubout) nor an HMAC secret: it looks like other key material");
        }
        // PemFiles names the file in its messages.
        PublicKey publicKey = text.contains(PemFiles.PUBLIC_KEY_BEGIN) ? PemFiles.publicKey(text, file) : null;
        try {
            return publicKey != null ? publicKey(publicKey) : secret(text.stripTrailing().getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWT key " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeKeyMaterial(String text) {
        String start = text.strip();
        return text.contains("-----BEGIN") || start.startsWith("{") || start.startsWith("ssh-") || start.startsWith("ecdsa-");
    }

    /**
     * An HMAC secret, at least {@value #MIN_SECRET_BYTES} bytes: HS256 tokens; HS384 need 48 bytes, HS512 64
     * (RFC 7518 3.2), else they grant nothing.
     */
    public static JwtKey secret(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("an HMAC secret of " + secret.length + " bytes is too short to be safe: at least "
                    + MIN_SECRET_BYTES + " (e.g. openssl rand -base64 48)");
        }
        try {
            return new JwtKey(new MACVerifier(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An RSA key of at least {@value #MIN_RSA_BITS} bits or an EC public key (P-256, P-384, P-521). */
    public static JwtKey publicKey(PublicKey key) {
        try {
            return switch (key) {
                case RSAPublicKey rsa when rsa.getModulus().bitLength() < MIN_RSA_BITS -> throw new IllegalArgumentException(
                        "an RSA key of " + rsa.getModulus().bitLength() + " bits is too weak: at least " + MIN_RSA_BITS);
                case RSAPublicKey rsa -> new JwtKey(new RSASSAVerifier(rsa));
                case ECPublicKey ec -> new JwtKey(new ECDSAVerifier(ec));
                default -> throw new IllegalArgumentException("a " + key.getAlgorithm()
                        + " key cannot check channel tokens: use an RSA or EC key, or an HMAC secret");
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * @param token what a client showed
     * @return what the token grants, or null when it is not a channel token signed with this key, valid at {@code now}
     */
    public ChannelGrant verify(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token.strip());
            // The key decides the algorithm, never the token: no HS256 "signed" with an RSA public key.
            if (!verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!current(claims.getExpirationTime(), claims.getNotBeforeTime(), now)) {
                return null;
            }
            Map<String, Object> rights = claims.getJSONObjectClaim(CLAIM);
            return rights == null ? null : new ChannelGrant(names(rights.get("subscribe")), names(rights.get("publish")));
        } catch (ParseException | JOSEException | IllegalStateException | IllegalArgumentException notAToken) {
            return null;
        }
    }

    private static boolean current(Date expires, Date notBefore, Instant now) {
        return (expires == null || now.minus(CLOCK_SKEW).isBefore(expires.toInstant()))
                && (notBefore == null || !now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant()));
    }

    /** A list of strings, or nothing; anything else makes the token malformed. */
    private static List<String> names(Object claim) {
        if (claim == null) {
            return List.of();
        }
        if (!(claim instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("the " + CLAIM + " claim lists channels as strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
