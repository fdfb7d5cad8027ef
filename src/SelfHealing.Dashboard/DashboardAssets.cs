using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SelfHealing.Dashboard;

/// <summary>Serves the page and its files from the assembly's embedded resources (no CDN, works offline).</summary>
internal static class DashboardAssets
{
    private const string Prefix = "SelfHealing.Dashboard.assets.";
    private const string Policy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static readonly ConcurrentDictionary<string, EmbeddedFile?> Cache = new(StringComparer.Ordinal);

    public static IResult Page(HttpContext context, IOptions<DashboardOptions> options)
    {
        // Relative URLs on the page (api/v1/..., assets/...) need the trailing slash.
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            return Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
        }

        EmbeddedFile page = Load("index.html")!;
        string html = System.Text.Encoding.UTF8.GetString(page.Content).Replace("{{title}}", WebUtility.HtmlEncode(options.Value.Title), StringComparison.Ordinal);
        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    public static IResult Asset(HttpContext context, string file)
    {
        if (file == "index.html" || Load(file) is not { } asset)
        {
            return Results.NotFound();
        }

        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static EmbeddedFile? Load(string file) => Cache.GetOrAdd(file, static name =>
    {
        using Stream? stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(Prefix + name);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        string etag = "\"" + Convert.ToHexString(SHA256.HashData(content).AsSpan(0, 8)) + "\"";
        return new EmbeddedFile(content, ContentType(name), etag);
    });

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    };

    private sealed record EmbeddedFile(byte[] Content, string ContentType, string ETag);
}
