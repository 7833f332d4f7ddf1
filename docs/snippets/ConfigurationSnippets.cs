using Microsoft.Extensions.Configuration;

namespace DistKit.Docs.Snippets;

// docs/configuration.md
internal static class ConfigurationSnippets
{
    public static void App(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddDistKit(o =>
        {
            o.Node = new Uri("http://config.internal:7070");
            o.Namespace = "shop/prod";
            o.CacheDirectory = "/var/cache/shop";     // the disk copy
        });
        builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Checkout"));
        using var app = builder.Build();
    }

    private sealed class CheckoutOptions
    {
        public int MaxItems { get; set; }
    }
}
