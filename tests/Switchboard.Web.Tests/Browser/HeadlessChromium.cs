using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// Debian's chromium driven through Debian's chromedriver, headless, with a fresh profile. Missing binaries fail
/// the test with the packages to install: a browser test that silently skips proves nothing.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
    private readonly string _profile;

    private HeadlessChromium(ChromeDriver driver, string profile)
    {
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    public static HeadlessChromium Start()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException(
                $"Browser tests need {ChromiumPath} and {DriverPath}: install the Debian packages 'chromium' and 'chromium-driver' (apt-get install -y chromium chromium-driver).");
        }

        var profile = Directory.CreateTempSubdirectory("switchboard-chromium-").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        // Without the background-networking flags chromium keeps trying Google's hosts, which this machine refuses.
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1360,1000", "--force-device-scale-factor=1",
            $"--user-data-dir={profile}");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return new HeadlessChromium(driver, profile);
    }

    public void Open(string url) => Driver.Navigate().GoToUrl(url);

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyCollection<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>
    /// Whether any element matching <paramref name="css"/> shows <paramref name="text"/> (its rendered text, as
    /// <see cref="IWebElement.Text"/>), asked in one round trip: reading a thousand rows one element at a time takes
    /// a thousand WebDriver calls, seconds per poll on a busy machine.
    /// </summary>
    public bool AnyShows(string css, string text)
        => Driver.ExecuteScript("return [...document.querySelectorAll(arguments[0])].some(e => e.innerText.includes(arguments[1]));", css, text) is true;

    /// <summary>Polls until the condition holds; generous, because the point is correctness, not speed.</summary>
    public void WaitUntil(Func<bool> condition, string what, int seconds = 20)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        try
        {
            wait.Until(_ => condition());
        }
        catch (WebDriverTimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"timed out after {seconds} s waiting for {what}. Page text:\n{SafeBodyText()}");
        }
    }

    /// <summary>
    /// Clicks the element matching <paramref name="css"/>, found afresh for the click: the pages redraw their tables
    /// whenever a connection comes or goes, so an element found a moment earlier may be gone (stale) by the click.
    /// </summary>
    public void Click(string css)
    {
        WaitUntil(() =>
        {
            Find(css).Click();
            return true;
        }, $"a clickable {css}");
    }

    public void Type(string css, string text)
    {
        var input = Find(css);
        input.Clear();
        input.SendKeys(text);
    }

    /// <summary>Chooses an option the way a user does (Selenium.Support, with SelectElement, is not pinned here).</summary>
    public void Select(string css, string value)
        => Find($"{css} option[value='{value}']").Click();

    /// <summary>Saves a PNG of the page as the browser renders it.</summary>
    public void Screenshot(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Driver.GetScreenshot().SaveAsFile(path);
    }

    private string SafeBodyText()
    {
        try
        {
            return Driver.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException ex)
        {
            return $"(unavailable: {ex.Message})";
        }
    }

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
