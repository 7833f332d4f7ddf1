namespace DistKit.Docs.Snippets;

// docs/library.md and README.md
internal static class LibrarySnippets
{
    public static void Registering(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddRedis()      // DistKit.Redis: its connection, reused by every capability on Redis
            .AddLocks()      // IDistributedLockProvider on the engine DistKit:Capabilities:Locks names
            .AddIds();       // IIdGenerator; the worker id is acquired by a hosted service at start
    }

    public static void Readme(WebApplicationBuilder builder)
    {
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddRedis()      // "DistKit": { "Engines": { "Redis": "localhost:6379" }, "Capabilities": { "Locks": "redis" } }
            .AddLocks()      // IDistributedLockProvider
            .AddIds();       // IIdGenerator, its worker id kept by a hosted service
    }
}
