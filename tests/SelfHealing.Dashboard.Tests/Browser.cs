using Microsoft.Playwright;

namespace SelfHealing.Dashboard.Tests;

/// <summary>
/// Headless Chromium driven by Playwright: Debian's <c>/usr/bin/chromium</c> (installed by .ci/run), or the browser
/// <c>SELFHEALING_CHROMIUM</c> names. Screenshots go to <c>SELFHEALING_SCREENSHOTS</c> (docs/images when the docs'
/// pictures are renewed) or a temporary folder.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Chromium { get; private set; } = null!;

    public static string ScreenshotFolder { get; } =
        Environment.GetEnvironmentVariable("SELFHEALING_SCREENSHOTS") is { Length: > 0 } folder ? folder : Path.Combine(Path.GetTempPath(), "selfhealing-screenshots");

    public async Task InitializeAsync()
    {
        string path = Environment.GetEnvironmentVariable("SELFHEALING_CHROMIUM") is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {path}: install it (apt-get install -y chromium) or name one with SELFHEALING_CHROMIUM. .ci/run installs it.");
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Chromium = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        Playwright.Dispose();
    }

    /// <summary>A new page that records the console's errors and the page's uncaught exceptions.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(int width = 1280, int height = 900)
    {
        IPage page = await Chromium.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add("console: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add("page: " + error);
            }
        };
        return (page, errors);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = false });
    }
}
