using System.Globalization;
using System.Text.Json;
using DistKit.Configuration;
using DistKit.Configuration.Access;
using DistKit.Configuration.Http;
using DistKit.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistKit.Server.Configuration;

/// <summary><c>/v1/config</c>: read, write, publish, roll back and diff namespaces of keys; schemas.</summary>
internal static partial class ConfigEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var config = routes.MapGroup("/v1/config").AddEndpointFilter<ConfigErrorFilter>();
        config.MapGet("/namespaces", NamespacesAsync);
        config.MapGet("/entries", EntriesAsync);
        config.MapGet("/entry", GetAsync);
        config.MapPut("/entry", PutAsync);
        config.MapDelete("/entry", DeleteAsync);
        config.MapGet("/history", HistoryAsync);
        config.MapGet("/diff", DiffAsync);
        config.MapGet("/releases", ReleasesAsync);
        config.MapPost("/rollback", RollbackAsync);
        config.MapGet("/drafts", DraftsAsync);
        config.MapDelete("/drafts", DiscardAsync);
        config.MapPost("/publish", PublishAsync);
        config.MapGet("/schema", SchemaAsync);
        config.MapPut("/schema", SetSchemaAsync);
        config.MapGet("/schemas", SchemasAsync);
        config.MapGet("/watch", WatchAsync);
        config.MapGet("/clients", ClientsAsync);
        config.MapPost("/gray", StartGrayAsync);
        config.MapPost("/gray/promote", PromoteGrayAsync);
        config.MapPost("/gray/abandon", AbandonGrayAsync);
        config.MapGet("/gray", GrayAsync);
        config.MapPost("/tokens", CreateTokenAsync);
        config.MapGet("/tokens", TokensAsync);
        config.MapDelete("/tokens", RevokeTokenAsync);
    }

    private static async Task<JsonHttpResult<NamespaceList>> NamespacesAsync(IConfigCenter center, HttpContext context)
    {
        var token = NodeAccess.Token(context);
        var names = (await center.NamespacesAsync(context.RequestAborted)).Where(ns => token is null || token.Allows(ns, ConfigScope.Read)).ToList();
        return TypedResults.Json(new NamespaceList(names), ConfigJsonContext.Default.NamespaceList);
    }

    private static async Task<JsonHttpResult<SnapshotView>> EntriesAsync(string? ns, string? prefix, IConfigCenter center, HttpContext context)
    {
        var snapshot = await center.ReadAsync(Readable(context, ns), prefix, context.RequestAborted);
        return TypedResults.Json(new SnapshotView(snapshot.Namespace, snapshot.Revision, [.. snapshot.Entries.Select(ConfigViews.Of)]), ConfigJsonContext.Default.SnapshotView);
    }

    private static async Task<JsonHttpResult<EntryView>> GetAsync(string? ns, string? key, IConfigCenter center, HttpContext context)
    {
        var entry = await center.GetAsync(Readable(context, ns), Key(key), context.RequestAborted)
            ?? throw ApiException.NotFound($"no key '{key}' in '{ns}'");
        context.Response.Headers.ETag = $"\"{entry.Version.ToString(CultureInfo.InvariantCulture)}\"";
        return TypedResults.Json(ConfigViews.Of(entry), ConfigJsonContext.Default.EntryView);
    }

    private static async Task<IResult> PutAsync(string? ns, string? key, PutEntryBody? body, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(ns);
        var name = Key(key);
        if (body is null)
        {
            throw ApiException.InvalidArgument("the body must be a JSON object with a value");
        }

        NodeAccess.Require(context, space, body.Draft == true ? ConfigScope.Write : ConfigScope.Write | ConfigScope.Publish);
        var (type, value) = ValueOf(body.Type, body.Value, "value");
        var change = new ConfigChange(name, type, value ?? throw ApiException.InvalidArgument("give the value (to delete a key, DELETE it)"), IfMatch(context));
        var author = Author(body.Author, context);
        if (body.Draft == true)
        {
            var draft = await center.StageAsync(space, change, author, context.RequestAborted);
            return TypedResults.Json(ConfigViews.Of(draft), ConfigJsonContext.Default.DraftView, statusCode: StatusCodes.Status202Accepted);
        }

        var release = await center.PublishAsync(space, [change], author, body.Message, context.RequestAborted);
        context.Response.Headers.ETag = $"\"{release.Changes[0].Version.ToString(CultureInfo.InvariantCulture)}\"";
        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<ReleaseView>> DeleteAsync(string? ns, string? key, string? message, string? author, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(ns);
        NodeAccess.Require(context, space, ConfigScope.Write | ConfigScope.Publish);
        var release = await center.PublishAsync(space, [ConfigChange.Delete(Key(key), IfMatch(context))], Author(author, context), message, context.RequestAborted);
        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<HistoryView>> HistoryAsync(string? ns, string? key, string? limit, string? before, IConfigCenter center, HttpContext context)
    {
        var space = Readable(context, ns);
        var name = Key(key);
        var versions = await center.HistoryAsync(space, name, Limit(limit), before is null ? null : Number(before, "before"), context.RequestAborted);
        return TypedResults.Json(new HistoryView(space, name, [.. versions.Select(ConfigViews.Of)]), ConfigJsonContext.Default.HistoryView);
    }

    private static async Task<JsonHttpResult<DiffView>> DiffAsync(string? ns, string? key, string? from, string? to, IConfigCenter center, HttpContext context)
    {
        var diff = await center.DiffAsync(Readable(context, ns), Key(key), Number(from, "from"), Number(to, "to"), context.RequestAborted);
        return TypedResults.Json(
            new DiffView(diff.From.Namespace, diff.From.Key, ConfigViews.Of(diff.From), ConfigViews.Of(diff.To), [.. diff.Lines.Select(l => new DiffLineView(l.Op.ToString(), l.Text))]),
            ConfigJsonContext.Default.DiffView);
    }

    private static async Task<JsonHttpResult<ReleaseList>> ReleasesAsync(string? ns, string? limit, string? before, IConfigCenter center, HttpContext context)
    {
        var releases = await center.ReleasesAsync(Readable(context, ns), Limit(limit), before is null ? null : Number(before, "before"), context.RequestAborted);
        return TypedResults.Json(new ReleaseList([.. releases.Select(ConfigViews.Of)]), ConfigJsonContext.Default.ReleaseList);
    }

    private static async Task<JsonHttpResult<ReleaseView>> RollbackAsync(RollbackBody? body, IConfigCenter center, HttpContext context)
    {
        if (body is null)
        {
            throw ApiException.InvalidArgument("the body must be a JSON object: {\"ns\", \"key\", \"to_version\"} or {\"ns\", \"to_revision\"}");
        }

        var space = Namespace(body.Ns);
        NodeAccess.Require(context, space, ConfigScope.Publish);
        var author = Author(body.Author, context);
        ConfigRelease release;
        if (body.Key is not null)
        {
            if (body.ToVersion is not { } version || body.ToRevision is not null)
            {
                throw ApiException.InvalidArgument("a key rolls back to_version; the namespace (without a key) to_revision");
            }

            release = await center.RollbackKeyAsync(space, Key(body.Key), version, author, body.Message, context.RequestAborted);
        }
        else
        {
            if (body.ToRevision is not { } revision || body.ToVersion is not null)
            {
                throw ApiException.InvalidArgument("give key and to_version, or to_revision for the whole namespace");
            }

            release = await center.RollbackNamespaceAsync(space, revision, author, body.Message, context.RequestAborted);
        }

        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<DraftList>> DraftsAsync(string? ns, IConfigCenter center, HttpContext context)
    {
        var space = Readable(context, ns);
        var drafts = await center.DraftsAsync(space, context.RequestAborted);
        return TypedResults.Json(new DraftList(space, [.. drafts.Select(ConfigViews.Of)]), ConfigJsonContext.Default.DraftList);
    }

    private static async Task<NoContent> DiscardAsync(string? ns, string? key, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(ns);
        NodeAccess.Require(context, space, ConfigScope.Write);
        await center.DiscardDraftsAsync(space, key is null ? null : Key(key), context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<JsonHttpResult<ReleaseView>> PublishAsync(PublishBody? body, IConfigCenter center, HttpContext context)
    {
        if (body is null)
        {
            throw ApiException.InvalidArgument("the body must be a JSON object with ns");
        }

        var space = Namespace(body.Ns);
        // Changes given here are written and published at once; drafts were written already.
        NodeAccess.Require(context, space, body.Changes is null ? ConfigScope.Publish : ConfigScope.Write | ConfigScope.Publish);
        var author = Author(body.Author, context);
        ConfigRelease release;
        if (body.Changes is { } changes)
        {
            release = await center.PublishAsync(space, ChangesOf(changes), author, body.Message, context.RequestAborted);
        }
        else
        {
            release = await center.PublishDraftsAsync(space, author, body.Message, context.RequestAborted);
        }

        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<SchemaView>> SchemaAsync(string? ns, string? key, IConfigCenter center, HttpContext context)
    {
        var space = Readable(context, ns);
        var name = key is null ? null : Key(key);
        var schemas = await center.SchemasAsync(space, context.RequestAborted);
        return schemas.TryGetValue(name ?? "", out var schema)
            ? TypedResults.Json(new SchemaView(space, name, ConfigViews.Json(schema)), ConfigJsonContext.Default.SchemaView)
            : throw ApiException.NotFound(name is null ? $"namespace '{space}' has no schema" : $"key '{name}' in '{space}' has no schema");
    }

    private static async Task<NoContent> SetSchemaAsync(string? ns, string? key, SchemaBody? body, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(ns);
        NodeAccess.Require(context, space, ConfigScope.Write);
        var name = key is null ? null : Key(key);
        var schema = body?.Schema is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } given
            ? given.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False
                ? given.GetRawText()
                : throw ApiException.InvalidArgument("schema must be a JSON Schema object (or null to remove it)")
            : null;
        await center.SetSchemaAsync(space, name, schema, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<JsonHttpResult<SchemaList>> SchemasAsync(string? ns, IConfigCenter center, HttpContext context)
    {
        var space = Readable(context, ns);
        var schemas = await center.SchemasAsync(space, context.RequestAborted);
        return TypedResults.Json(new SchemaList(space, schemas.ToDictionary(s => s.Key, s => ConfigViews.Json(s.Value), StringComparer.Ordinal)), ConfigJsonContext.Default.SchemaList);
    }

    private static string Readable(HttpContext context, string? ns)
    {
        var space = Namespace(ns);
        NodeAccess.Require(context, space, ConfigScope.Read);
        return space;
    }

    private static string Namespace(string? ns) =>
        ConfigNames.NamespaceProblem(ns) is { } problem ? throw ApiException.InvalidArgument(ns is null ? "give the namespace: ns=app/env" : problem) : ns!;

    private static string Key(string? key) =>
        ConfigNames.KeyProblem(key) is { } problem ? throw ApiException.InvalidArgument(key is null ? "give the key: key=…" : problem) : key!;

    // The changes of a publish or gray body, checked in order so an error names its place.
    private static List<ConfigChange> ChangesOf(IReadOnlyList<ChangeBody?> changes)
    {
        var list = new List<ConfigChange>(changes.Count);
        foreach (var change in changes)
        {
            var name = Key(change?.Key);
            if (change!.Delete == true)
            {
                list.Add(ConfigChange.Delete(name, change.IfMatch));
                continue;
            }

            var (type, value) = ValueOf(change.Type, change.Value, $"changes[{list.Count}].value");
            list.Add(new ConfigChange(name, type, value ?? throw ApiException.InvalidArgument($"changes[{list.Count}]: give a value, or delete: true"), change.IfMatch));
        }

        return list;
    }

    // A JSON string is the value's text; any other JSON value is taken as the text of a json value.
    private static (ConfigValueType Type, string? Value) ValueOf(string? type, JsonElement? value, string field)
    {
        ConfigValueType parsed;
        if (type is null)
        {
            parsed = value is { ValueKind: not JsonValueKind.String and not JsonValueKind.Null and not JsonValueKind.Undefined } ? ConfigValueType.Json : ConfigValueType.Text;
        }
        else if (!ConfigValueTypes.TryParse(type, out parsed))
        {
            throw ApiException.InvalidArgument($"type '{type}' is not one of json, yaml, properties, text");
        }

        return value switch
        {
            null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => (parsed, null),
            { ValueKind: JsonValueKind.String } text => (parsed, text.GetString()),
            { } json when parsed == ConfigValueType.Json => (parsed, json.GetRawText()),
            _ => throw ApiException.InvalidArgument($"{field}: a {parsed.ToWire()} value is written as a JSON string"),
        };
    }

    private static long? IfMatch(HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (header.Length == 0)
        {
            return null;
        }

        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw ApiException.InvalidArgument($"If-Match: '{header}' is not a version such as \"3\" (0: the key must not exist)");
    }

    // A configuration token's requests are written down under its name, whatever author they give:
    // the history must not be a token holder's to dress up. The node's own tokens may name anyone.
    private static string Author(string? given, HttpContext context) =>
        NodeAccess.Token(context) is { } token ? $"token:{token.Name}"
        : (given ?? context.Request.Headers["X-DistKit-Author"].ToString()) is { Length: > 0 } author
            ? author.Length <= 128 ? author : throw ApiException.InvalidArgument("author is at most 128 characters")
            : "api";

    private static int Limit(string? limit) =>
        limit is null ? 100
        : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 1000 ? count
        : throw ApiException.InvalidArgument($"limit must be 1 to 1000, got '{limit}'");

    private static long Number(string? text, string name) =>
        text is null ? throw ApiException.InvalidArgument($"give {name}")
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw ApiException.InvalidArgument($"{name} must be a whole number from 0, got '{text}'");
}
