package dev.es.server.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/** The web console in a real Chromium: it asks for the token, lists a channel, tails it, and is photographed. */
class ConsoleBrowserTest {

    /** Kept after the run, for a person to look at. */
    static final Path SCREENSHOT = Path.of("target", "console.png");

    @Test
    void theConsoleAsksForTheTokenShowsAChannelAndTailsAnEvent() throws Exception {
        try (EsServer server = EsServer.start(ServerSettings.builder().port(0).token("s3cret").build());
                Browser browser = Browser.start()) {
            server.publish("orders", Event.of("first order"));
            browser.driver().get(server.url().resolve("/_es/v1/console").toString());

            WebElement token = browser.await(page -> {
                WebElement form = page.findElement(By.id("login"));
                return form.isDisplayed() ? page.findElement(By.id("token")) : null;
            });
            token.sendKeys("s3cret");
            browser.driver().findElement(By.cssSelector("#login button")).click();

            WebElement row = browser.await(page -> page.findElements(By.cssSelector("#channels tr[data-channel='orders']"))
                    .stream().findFirst().orElse(null));
            assertTrue(row.getText().startsWith("orders"), row.getText());
            row.click();
            browser.await(page -> server.consumerCount("orders") == 1);
            server.publish("orders", Event.of("order 42"));
            String tail = browser.await(page -> {
                String text = page.findElement(By.id("tail")).getText();
                return text.contains("order 42") ? text : null;
            });
            assertTrue(tail.startsWith("order 42"), tail);
            server.publish("orders", new Event(null, "shipped", "order 42 left", null));
            String named = browser.await(page -> {
                String text = page.findElement(By.id("tail")).getText();
                return text.contains("order 42 left") ? text : null;
            });
            assertTrue(named.startsWith("shipped: order 42 left"), "events of every type: " + named);
            browser.await(page -> page.findElement(By.cssSelector("#channels tr[data-channel='orders'] td:nth-child(2)"))
                    .getText().equals("1"));

            byte[] png = browser.driver().getScreenshotAs(OutputType.BYTES);
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, png);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), "a PNG");
            assertTrue(png.length > 1000, png.length + " bytes: a page, not an empty image");
        }
    }
}
