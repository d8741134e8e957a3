package dev.es.server.testing;

import java.io.File;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs), driven by Selenium;
 * nothing is downloaded. Waits are bounded.
 */
public final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    public static Browser start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Asks the page every 100 ms, for at most 15 s, until the condition holds (an answer neither null nor false;
     * a missing or replaced element counts as not yet), and returns its answer.
     */
    public <T> T await(Function<WebDriver, T> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T answer = condition.apply(driver);
                if (answer != null && !Boolean.FALSE.equals(answer)) {
                    return answer;
                }
            } catch (NoSuchElementException | StaleElementReferenceException notYet) {
                last = notYet;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page did not get there within " + WAIT + "; it shows: "
                + driver.findElement(org.openqa.selenium.By.tagName("body")).getText(), last);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
