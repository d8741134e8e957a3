package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.es.server.access.JwtKey;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.TestCertificates;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Channel tokens: JWTs signed with --jwt-key that name what their holder may follow and publish to. */
class ChannelTokenTest {

    private static final String HUB_TOKEN = "the-hub-token";
    private static final byte[] SECRET = "a secret of more than thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, Object> NEWS_READER_CHAT_WRITER =
            Map.of("subscribe", List.of("news-*"), "publish", List.of("chat"));

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.token(HUB_TOKEN).jwtKey(JwtKey.secret(SECRET)));

    @Test
    void aChannelTokenReadsTheHistoryOfTheChannelsItMayFollowOnly() throws Exception {
        String token = signed(new MACSigner(SECRET), JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER));
        try (ApiClient asTheHub = new ApiClient(hub.url(), HUB_TOKEN);
                ApiClient holder = new ApiClient(hub.url(), token);
                ApiClient anonymous = new ApiClient(hub.url(), null)) {
            asTheHub.publish("news-1", "{\"data\":\"kept\"}");
            asTheHub.publish("chat", "{\"data\":\"kept\"}");
            assertEquals(200, holder.send(holder.request("/_es/v1/channels/news-1/events")).statusCode());
            assertEquals(403, holder.send(holder.request("/_es/v1/channels/chat/events")).statusCode(), "write only");
            assertEquals(403, anonymous.send(anonymous.request("/_es/v1/channels/news-1/events")).statusCode());
            assertEquals(200, asTheHub.send(asTheHub.request("/_es/v1/channels/chat/events")).statusCode());
        }
    }

    @Test
    void aChannelTokenLetsItsHolderFollowAndPublishWhatItNamesAndNothingElse() throws Exception {
        String token = signed(new MACSigner(SECRET), JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER));
        try (ApiClient holder = new ApiClient(hub.url(), token);
                SseRecorder news = SseRecorder.open(hub.url().resolve("/news-1"), "Authorization", "Bearer " + token);
                SseRecorder byQuery = SseRecorder.open(hub.url().resolve("/news-1?token=" + token));
                SseRecorder chat = SseRecorder.open(hub.url().resolve("/chat"), "Authorization", "Bearer " + token);
                SseRecorder anonymous = SseRecorder.open(hub.url().resolve("/news-1"));
                SseRecorder asTheHub = SseRecorder.open(hub.url().resolve("/chat"), "Auth-Token", HUB_TOKEN)) {
            assertEquals(200, news.status());
            assertEquals(200, byQuery.status());
            assertEquals(403, chat.status(), "not granted: chat is for writing only");
            assertEquals(403, anonymous.status(), "a hub with a JWT key has no public channels");
            assertEquals(200, asTheHub.status(), "the hub's token opens every channel");
            hub.api().awaitConsumers("news-1", 2);
            hub.api().awaitConsumers("chat", 1);

            assertEquals(201, holder.publish("chat", "{\"data\":\"written with a channel token\"}").statusCode());
            asTheHub.assertData("written with a channel token");
            assertEquals(403, holder.publish("news-1", "{\"data\":\"not granted\"}").statusCode());
            assertEquals(403, holder.delete("chat").statusCode(), "closing needs the hub's token");
            try (ApiClient everything = new ApiClient(hub.url(), signed(new MACSigner(SECRET), JWSAlgorithm.HS256,
                    claims(Map.of("publish", List.of("*", "a*")))))) {
                assertEquals(403, everything.publish("all", "{\"data\":\"to every channel\"}").statusCode(),
                        "publishing to all needs the hub's token, whatever a pattern matches");
                assertEquals(201, everything.publish("news-1", "{\"data\":\"with a star\"}").statusCode());
                news.assertData("with a star");
                byQuery.assertData("with a star");
            }
            assertEquals(403, holder.head("chat").statusCode(), "so does channel information");
            assertEquals(201, hub.api().publish("news-1", "{\"data\":\"news\"}").statusCode());
            news.assertData("news");
            byQuery.assertData("news");
        }
    }

    @Test
    void aPrefixOnAMergedStreamGetsOnlyTheGrantedChannelsAndANamedOtherIsRefused() throws Exception {
        for (String channel : List.of("news-1", "sport-1")) {
            assertEquals(201, hub.api().publish(channel, "{\"data\":\"created\"}").statusCode());
        }
        String token = signed(new MACSigner(SECRET), JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER));
        try (SseRecorder everything = SseRecorder.open(hub.url().resolve("/_es/v1/stream?channel=*&token=" + token));
                SseRecorder sport = SseRecorder.open(hub.url().resolve("/_es/v1/stream?channel=sport-1&token=" + token))) {
            assertEquals(200, everything.status());
            assertEquals(403, sport.status());
            hub.api().awaitConsumers("news-1", 1);
            assertEquals(0, hub.api().consumers("sport-1"), "a prefix follows the granted channels only");
            hub.api().publish("sport-1", "{\"data\":\"not for news readers\"}");
            hub.api().publish("news-1", "{\"data\":\"for news readers\"}");
            everything.assertData("for news readers");
        }
    }

    @Test
    void expiredForgedUnsignedAndMalformedTokensGrantNothing() throws Exception {
        JWSSigner right = new MACSigner(SECRET);
        Instant now = Instant.now();
        Map<String, String> refused = Map.of(
                "expired", signed(right, JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER)
                        .expirationTime(Date.from(now.minus(Duration.ofMinutes(2))))),
                "not yet valid", signed(right, JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER)
                        .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(2))))),
                "signed with another secret", signed(new MACSigner("another secret of thirty-two bytes or more"),
                        JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER)),
                "unsigned (alg none)", new PlainJWT(claims(NEWS_READER_CHAT_WRITER).build()).serialize(),
                "channels not in a list", signed(right, JWSAlgorithm.HS256,
                        claims(Map.of("subscribe", "news-1", "publish", "chat"))),
                "no es claim", signed(right, JWSAlgorithm.HS256, new JWTClaimsSet.Builder().subject("someone")),
                "not a JWT", "not.a.jwt");
        try (SseRecorder bystander = SseRecorder.open(hub.url().resolve("/bystander"), "Auth-Token", HUB_TOKEN)) {
            hub.api().awaitConsumers("bystander", 1);
            for (Map.Entry<String, String> token : refused.entrySet()) {
                try (ApiClient holder = new ApiClient(hub.url(), token.getValue());
                        SseRecorder follower = SseRecorder.open(hub.url().resolve("/news-1"),
                                "Authorization", "Bearer " + token.getValue())) {
                    assertEquals(403, follower.status(), token.getKey());
                    assertEquals(403, holder.publish("chat", "{\"data\":\"x\"}").statusCode(), token.getKey());
                }
                hub.api().publish("bystander", "{\"data\":\"after " + token.getKey() + "\"}");
                bystander.assertData("after " + token.getKey());
            }
        }
    }

    @Test
    void publicKeysInPemFilesCheckRsaAndEcTokensAndRefuseAnHmacTokenMadeWithThePublicKey(@TempDir Path folder)
            throws Exception {
        KeyPair rsa = keyPair("RSA");
        Path rsaFile = TestCertificates.writePublicKey(folder.resolve("rsa.pem"), rsa.getPublic());
        hub.restart(s -> s.token(HUB_TOKEN).jwtKey(JwtKey.read(rsaFile)));
        String rs256 = signed(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims(NEWS_READER_CHAT_WRITER));
        // The classic confusion: the public key's own bytes, which anyone has, used as an HMAC secret.
        String confused = signed(new MACSigner(Files.readAllBytes(rsaFile)), JWSAlgorithm.HS256, claims(NEWS_READER_CHAT_WRITER));
        try (SseRecorder good = SseRecorder.open(hub.url().resolve("/news-1"), "Authorization", "Bearer " + rs256);
                SseRecorder forged = SseRecorder.open(hub.url().resolve("/news-1"), "Authorization", "Bearer " + confused)) {
            assertEquals(200, good.status());
            assertEquals(403, forged.status());
        }

        KeyPair ec = keyPair("EC");
        Path ecFile = TestCertificates.writePublicKey(folder.resolve("ec.pem"), ec.getPublic());
        hub.restart(s -> s.token(HUB_TOKEN).jwtKey(JwtKey.read(ecFile)));
        String es256 = signed(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256,
                claims(NEWS_READER_CHAT_WRITER));
        try (ApiClient holder = new ApiClient(hub.url(), es256);
                SseRecorder rsaHolder = SseRecorder.open(hub.url().resolve("/news-1"), "Authorization", "Bearer " + rs256)) {
            assertEquals(201, holder.publish("chat", "{\"data\":\"signed with EC\"}").statusCode());
            assertEquals(403, rsaHolder.status(), "a token signed with another key");
        }
    }

    @Test
    void twoBearerTokensInOneRequestAreRefused() throws Exception {
        for (HttpRequest.Builder request : List.of(hub.api().request("news-1"), hub.api().request("chat")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}")))) {
            HttpResponse<String> answer = hub.api().send(request
                    .header("Authorization", "Bearer " + HUB_TOKEN).header("Authorization", "Bearer another"));
            assertEquals(400, answer.statusCode(), answer.body());
        }
    }

    private static JWTClaimsSet.Builder claims(Map<String, Object> rights) {
        return new JWTClaimsSet.Builder().subject("someone").claim(JwtKey.CLAIM, rights);
    }

    private static String signed(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        return generator.generateKeyPair();
    }
}
