package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian {@code chromium} and {@code chromium-driver}): log in, see the
 * demo data, filter a domain, open a source, upload a report and see it counted, and reports carrying script in
 * {@code org_name}, {@code human_result} and failure-report headers rendered inert. Screenshots of the main pages go
 * to {@code target/screenshots/}. The scenario runs in order, like a user would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");
    static WebFixture f;
    static WebDriver driver;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        // Skipped only when the browser is missing, saying so; under CI (which installs chromium and
        // chromium-driver) a missing browser fails instead, as the other harnesses do.
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String why = "browser tests need /usr/bin/chromium and /usr/bin/chromedriver "
                + "(apt-get install chromium chromium-driver)";
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(why);
        }
        Assumptions.assumeTrue(present, why);
        f = new WebFixture(b -> b.loginRate(1000, Duration.ofMillis(1)));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (f != null) {
            f.close();
        }
    }

    static void open(String path) {
        driver.get(f.uri(path).toString());
    }

    static void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    @Test
    @Order(1)
    void logInAndSeeTheDemoData() throws Exception {
        open("/");
        wait.until(ExpectedConditions.urlContains("/login"));
        shot("login");
        driver.findElement(By.id("username")).sendKeys("admin");
        driver.findElement(By.id("password")).sendKeys(WebFixture.ADMIN_PASSWORD);
        driver.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("domains")));
        String total = driver.findElement(By.id("total-messages")).getText();
        assertFalse(total.equals("0"), "messages: " + total);
        List<String> domains = driver.findElements(By.cssSelector("#domains tbody tr td:first-child")).stream()
                .map(WebElement::getText).toList();
        assertTrue(domains.containsAll(List.of("example.com", "example.org")), domains.toString());
        assertTrue(driver.findElement(By.id("chart-volume")).isDisplayed());
        shot("overview");
    }

    @Test
    @Order(2)
    void filterADomain() {
        open("/");
        new Select(driver.findElement(By.id("filter-domain"))).selectByValue("example.org");
        // app.js submits the filter form on change (an external script, allowed by the CSP)
        wait.until(ExpectedConditions.urlContains("domain=example.org"));
        List<String> domains = driver.findElements(By.cssSelector("#domains tbody tr td:first-child")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("example.org"), domains);
    }

    @Test
    @Order(3)
    void openADomainAndASource() throws Exception {
        open("/");
        driver.findElement(By.linkText("example.com")).click();
        wait.until(ExpectedConditions.textToBe(By.id("domain-name"), "example.com"));
        assertTrue(driver.findElement(By.id("readiness")).getText().contains("p=quarantine"));
        assertTrue(driver.findElement(By.id("chart-rates")).isDisplayed());
        shot("domain");
        WebElement filter = driver.findElement(By.cssSelector("input.table-filter"));
        filter.sendKeys("203.0.113");
        long visible = driver.findElements(By.cssSelector("#sources tbody tr")).stream().filter(WebElement::isDisplayed)
                .count();
        assertEquals(1, visible, "the table filter (app.js) leaves the one matching source");
        open("/domains/example.com");
        driver.findElement(By.linkText("167.89.115.54")).click();
        wait.until(ExpectedConditions.textToBe(By.id("source-ip"), "Source 167.89.115.54"));
        assertFalse(driver.findElements(By.cssSelector("#records tbody tr")).isEmpty());
        shot("source");
    }

    @Test
    @Order(4)
    void uploadAReportAndSeeItCounted() throws Exception {
        open("/?days=0&domain=upload.example");
        assertTrue(driver.findElements(By.cssSelector("#domains tbody tr")).isEmpty());
        Path file = f.dir.resolve("upload.example-report.xml");
        Files.writeString(file, DemoData.generate(LocalDate.of(2026, 6, 1)).get(0).xml()
                .replace("example.com", "upload.example"));
        open("/upload");
        driver.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("upload-button")).click();
        WebElement result = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("upload-result")));
        assertTrue(result.getText().contains("1 new, 0 duplicate, 0 failed, 6 records"), result.getText());
        shot("upload");
        open("/?days=0&domain=upload.example");
        List<WebElement> rows = driver.findElements(By.cssSelector("#domains tbody tr"));
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).getText().startsWith("upload.example"), rows.get(0).getText());
    }

    static final String FLAGS = "return ['xssOrg','xssId','xssHuman','xssFrom','xssSubject','xssAgent','xssDelivery','xssdelivery',"
            + "'xssHeader'].filter(function (k) { return window[k] !== undefined; });";

    @Test
    @Order(5)
    void reportsCarryingScriptAreRenderedInert() throws Exception {
        f.ingestResource("xss-aggregate.xml");
        f.ingestResource("xss-failure.eml");
        open("/reports?days=0&domain=xss.example");
        driver.findElement(By.cssSelector("#reports tbody tr td a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("report-title")));
        assertTrue(driver.findElement(By.id("report-title")).getText()
                .contains("from <script>window.xssOrg=1</script>Evil Org"), "org_name shown as text");
        noScriptRan();
        open("/domains/xss.example/sources/192.0.2.66?days=0");
        assertTrue(driver.findElement(By.id("records")).getText().contains("<img src=x onerror=\"window.xssHuman=1\">"));
        noScriptRan();
        open("/failures?days=0&domain=xss.example");
        driver.findElement(By.cssSelector("#failures tbody tr td a")).click();
        WebElement headers = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("original-headers")));
        assertTrue(headers.getText().contains("X-Evil: </pre><script>window.xssHeader=3</script>"), headers.getText());
        noScriptRan();
        shot("failure-report");
        for (String p : List.of("/?days=0", "/reports?days=0", "/ingest", "/domains/xss.example?days=0")) {
            open(p);
            noScriptRan();
        }
    }

    static void noScriptRan() {
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert(), "no alert");
        @SuppressWarnings("unchecked")
        List<String> set = (List<String>) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(FLAGS);
        assertEquals(List.of(), set, "payload flags set on " + driver.getCurrentUrl());
        assertTrue(driver.findElements(By.cssSelector("main script, main img")).isEmpty(), "no script or img in main");
    }
}
