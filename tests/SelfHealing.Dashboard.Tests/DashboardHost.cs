using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfHealing.DependencyInjection;

namespace SelfHealing.Dashboard.Tests;

/// <summary>
/// An app with the dashboard on a test server. Requests come from the loopback address unless they carry
/// <c>X-Test-Remote</c>; with authentication on, a request carrying <c>X-Test-User</c> is signed in, with the roles of
/// <c>X-Test-Roles</c>.
/// </summary>
internal static class DashboardHost
{
    public const string RemoteHeader = "X-Test-Remote";

    public static async Task<WebApplication> StartAsync(
        Action<ISelfHealingBuilder>? configure = null,
        Func<WebApplication, IEndpointConventionBuilder>? map = null,
        bool authentication = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSelfHealing(selfHealing =>
        {
            selfHealing.AddDashboard();
            configure?.Invoke(selfHealing);
        });
        if (authentication)
        {
            builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, TestAuthentication>("Test", null);
            builder.Services.AddAuthorization(options =>
            {
                options.AddPolicy("ops", policy => policy.RequireAuthenticatedUser());
                options.AddPolicy("operators", policy => policy.RequireRole("operator"));
            });
        }

        WebApplication app = builder.Build();
        app.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(RemoteHeader, out var remote)
                ? IPAddress.Parse(remote.ToString())
                : IPAddress.Loopback;
            return next(context);
        });
        if (authentication)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        if (map is null)
        {
            app.MapSelfHealingDashboard();
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        return app;
    }

    public static HttpClient Client(this WebApplication app) => app.GetTestClient();

    private sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Test-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user.ToString()) };
            if (Request.Headers.TryGetValue("X-Test-Roles", out var roles))
            {
                claims.AddRange(roles.ToString().Split(',').Select(r => new Claim(ClaimTypes.Role, r)));
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, "Test")));
        }
    }
}
