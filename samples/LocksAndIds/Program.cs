using DistKit.Ids;
using DistKit.Locks;

var builder = WebApplication.CreateBuilder(args);

// Engines, capability choices and settings from the "DistKit" section (appsettings.json, or
// environment variables such as DistKit__Engines__Redis=localhost:6379).
builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
    .AddRedis()
    .AddLocks()
    .AddIds();

var app = builder.Build();

// Ids travel as strings: JavaScript numbers lose 64-bit integers.
app.MapGet("/ids", (IIdGenerator ids, int? count) =>
{
    var batch = new long[Math.Clamp(count ?? 1, 1, 1000)];
    ids.NextIds(batch);
    return Results.Ok(batch.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
});

// Runs a job at most once at a time across every instance of this app.
app.MapPost("/jobs/{name}", async (string name, IDistributedLockProvider locks, CancellationToken cancellationToken) =>
{
    await using var held = await locks.CreateLock($"job:{name}").TryAcquireAsync(TimeSpan.Zero, cancellationToken);
    if (held is null)
    {
        return Results.Conflict(new { error = $"job '{name}' is running elsewhere" });
    }

    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
    return Results.Ok(new { job = name, fencing_token = held.FencingToken });
});

// Holds a lock until told to let go, so a test can see it from outside.
var holds = new System.Collections.Concurrent.ConcurrentDictionary<string, LockHandle>();
app.MapPost("/locks/{name}", async (string name, IDistributedLockProvider locks, CancellationToken cancellationToken) =>
{
    var held = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, cancellationToken);
    if (held is null)
    {
        return Results.Conflict(new { error = $"lock '{name}' is held" });
    }

    holds[name] = held;
    return Results.Ok(new { name, fencing_token = held.FencingToken });
});
app.MapDelete("/locks/{name}", async (string name) =>
{
    if (!holds.TryRemove(name, out var held))
    {
        return Results.NotFound();
    }

    await held.DisposeAsync();
    return Results.Ok();
});

app.Run();
