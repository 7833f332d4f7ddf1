using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Configuration.Http;

/// <summary>A key's value as the node shows it.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Type">json, yaml, properties or text.</param>
/// <param name="Value">The value, exactly as written.</param>
/// <param name="Version">The key's version.</param>
/// <param name="Revision">The store revision of the release that wrote it.</param>
/// <param name="Author">Who published it.</param>
/// <param name="Updated">When.</param>
public sealed record EntryView(string Ns, string Key, string Type, string Value, long Version, long Revision, string Author, DateTimeOffset Updated);

/// <summary>The answer of <c>GET /v1/config/entries</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Revision">The store revision the read saw.</param>
/// <param name="Entries">The live keys, in key order.</param>
public sealed record SnapshotView(string Ns, long Revision, IReadOnlyList<EntryView> Entries);

/// <summary>Body of <c>PUT /v1/config/entry</c>.</summary>
/// <param name="Value">The value as text (any JSON value is also accepted for type json and written as given).</param>
/// <param name="Type">json, yaml, properties or text (default text).</param>
/// <param name="Message">Why.</param>
/// <param name="Author">Who (default: the token's name, or "api").</param>
/// <param name="Draft">Stage instead of publishing.</param>
public sealed record PutEntryBody(JsonElement? Value, string? Type, string? Message, string? Author, bool? Draft);

/// <summary>One version a release wrote.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Value">The value, or null for a delete.</param>
/// <param name="Version">The key's version.</param>
/// <param name="Deleted">True when the release deleted the key.</param>
public sealed record ChangeView(string Key, string Type, string? Value, long Version, bool Deleted);

/// <summary>A release, or a watch event.</summary>
/// <param name="Revision">The store revision.</param>
/// <param name="Ns">The namespace.</param>
/// <param name="Kind">publish, rollback, gray, gray_end, promote, or snapshot (a watch's full view).</param>
/// <param name="Snapshot">True when <paramref name="Changes"/> is every live key and replaces all a watcher held.</param>
/// <param name="Author">Who published it.</param>
/// <param name="Message">Why.</param>
/// <param name="Time">When.</param>
/// <param name="Changes">What it wrote, in key order (a gray release's values, and its end's, have version 0: they are no key's version).</param>
/// <param name="Target">For a gray release, the clients it reaches.</param>
public sealed record ReleaseView(long Revision, string Ns, string Kind, bool Snapshot, string? Author, string? Message, DateTimeOffset? Time, IReadOnlyList<ChangeView> Changes, GrayTargetView? Target = null);

/// <summary>Which clients a gray release reaches.</summary>
/// <param name="Labels">Labels a client must all have.</param>
/// <param name="Percent">The share of client ids (stable hash), 1 to 100, or null.</param>
public sealed record GrayTargetView(IReadOnlyDictionary<string, string>? Labels, int? Percent);

/// <summary>Body of <c>POST /v1/config/gray</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Changes">The gray values.</param>
/// <param name="Labels">Labels a client must all have.</param>
/// <param name="Percent">The share of client ids, 1 to 100.</param>
/// <param name="Message">Why.</param>
/// <param name="Author">Who.</param>
public sealed record GrayBody(string? Ns, IReadOnlyList<ChangeBody>? Changes, IReadOnlyDictionary<string, string>? Labels, int? Percent, string? Message, string? Author);

/// <summary>Body of <c>POST /v1/config/gray/promote</c> and <c>/abandon</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Message">Why.</param>
/// <param name="Author">Who.</param>
public sealed record GrayEndBody(string? Ns, string? Message, string? Author);

/// <summary>The answer of <c>GET /v1/config/gray</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Gray">The gray release in progress, or null.</param>
/// <param name="SeenBy">The clients it reached through this node.</param>
public sealed record GrayStatus(string Ns, ReleaseView? Gray, IReadOnlyList<GraySeenView> SeenBy);

/// <summary>A client a gray release reached.</summary>
/// <param name="Client">Its id.</param>
/// <param name="Host">Its host.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="At">When it was handed the gray release.</param>
public sealed record GraySeenView(string Client, string Host, IReadOnlyDictionary<string, string> Labels, DateTimeOffset At);

/// <summary>The answer of <c>GET /v1/config/releases</c>.</summary>
/// <param name="Releases">Newest first.</param>
public sealed record ReleaseList(IReadOnlyList<ReleaseView> Releases);

/// <summary>One version in a key's history.</summary>
/// <param name="Version">The key's version.</param>
/// <param name="Revision">The store revision of its release.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Value">The value, or null when this version deleted the key.</param>
/// <param name="Deleted">True when this version deleted the key.</param>
/// <param name="Author">Who.</param>
/// <param name="Message">Why.</param>
/// <param name="Time">When.</param>
public sealed record VersionView(long Version, long Revision, string Type, string? Value, bool Deleted, string Author, string Message, DateTimeOffset Time);

/// <summary>The answer of <c>GET /v1/config/history</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Versions">Newest first.</param>
public sealed record HistoryView(string Ns, string Key, IReadOnlyList<VersionView> Versions);

/// <summary>The answer of <c>GET /v1/config/diff</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="From">The older version.</param>
/// <param name="To">The newer version.</param>
/// <param name="Lines">Each line with its mark: <c>" "</c> kept, <c>"-"</c> removed, <c>"+"</c> added.</param>
public sealed record DiffView(string Ns, string Key, VersionView From, VersionView To, IReadOnlyList<DiffLineView> Lines);

/// <summary>One line of a diff.</summary>
/// <param name="Op">" ", "-" or "+".</param>
/// <param name="Text">The line.</param>
public sealed record DiffLineView(string Op, string Text);

/// <summary>Body of <c>POST /v1/config/rollback</c>: a key to a version, or the namespace to a revision.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Key">The key, with <paramref name="ToVersion"/>.</param>
/// <param name="ToVersion">The version to write again.</param>
/// <param name="ToRevision">Without a key: the revision to put the namespace back to.</param>
/// <param name="Message">Why (default "rollback … to …").</param>
/// <param name="Author">Who.</param>
public sealed record RollbackBody(string? Ns, string? Key, long? ToVersion, long? ToRevision, string? Message, string? Author);

/// <summary>Body of <c>POST /v1/config/publish</c>: publishes the namespace's drafts, or the changes given, as one release.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Changes">Changes to publish now; without them, the drafts are published.</param>
/// <param name="Message">Why.</param>
/// <param name="Author">Who.</param>
public sealed record PublishBody(string? Ns, IReadOnlyList<ChangeBody>? Changes, string? Message, string? Author);

/// <summary>One change in a <see cref="PublishBody"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">json, yaml, properties or text (default text).</param>
/// <param name="Value">The value; null or absent with <paramref name="Delete"/> deletes.</param>
/// <param name="Delete">Delete the key.</param>
/// <param name="IfMatch">Compare-and-set: the version the key must be at (0: must not exist).</param>
public sealed record ChangeBody(string? Key, string? Type, JsonElement? Value, bool? Delete, long? IfMatch);

/// <summary>A staged change.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Value">The value, or null for a staged delete.</param>
/// <param name="Delete">True for a staged delete.</param>
/// <param name="IfMatch">The version the key must still be at when published.</param>
/// <param name="Author">Who staged it.</param>
/// <param name="Staged">When.</param>
public sealed record DraftView(string Key, string Type, string? Value, bool Delete, long? IfMatch, string Author, DateTimeOffset Staged);

/// <summary>The answer of <c>GET /v1/config/drafts</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Drafts">In key order.</param>
public sealed record DraftList(string Ns, IReadOnlyList<DraftView> Drafts);

/// <summary>Body of <c>PUT /v1/config/schema</c>.</summary>
/// <param name="Schema">The JSON Schema (a JSON object), or null to remove it.</param>
public sealed record SchemaBody(JsonElement? Schema);

/// <summary>The answer of <c>GET /v1/config/schema</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Key">The key, or null for the namespace's own schema.</param>
/// <param name="Schema">The schema as stored.</param>
public sealed record SchemaView(string Ns, string? Key, JsonElement Schema);

/// <summary>The answer of <c>GET /v1/config/schemas</c>.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Schemas">By key; the namespace's own is under the empty key.</param>
public sealed record SchemaList(string Ns, IReadOnlyDictionary<string, JsonElement> Schemas);

/// <summary>The answer of <c>GET /v1/config/namespaces</c>.</summary>
/// <param name="Namespaces">In order.</param>
public sealed record NamespaceList(IReadOnlyList<string> Namespaces);

/// <summary>The answer of a long poll on <c>GET /v1/config/watch</c>.</summary>
/// <param name="Revision">The revision to poll from next.</param>
/// <param name="Events">The releases after the revision asked for (empty when the wait ran out).</param>
public sealed record WatchBatch(long Revision, IReadOnlyList<ReleaseView> Events);

/// <summary>Source-generated JSON for <c>/v1/config</c>, the node's side and the clients': snake_case, as the rest of the API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EntryView))]
[JsonSerializable(typeof(SnapshotView))]
[JsonSerializable(typeof(PutEntryBody))]
[JsonSerializable(typeof(ReleaseView))]
[JsonSerializable(typeof(ReleaseList))]
[JsonSerializable(typeof(HistoryView))]
[JsonSerializable(typeof(DiffView))]
[JsonSerializable(typeof(RollbackBody))]
[JsonSerializable(typeof(PublishBody))]
[JsonSerializable(typeof(DraftView))]
[JsonSerializable(typeof(DraftList))]
[JsonSerializable(typeof(SchemaBody))]
[JsonSerializable(typeof(SchemaView))]
[JsonSerializable(typeof(SchemaList))]
[JsonSerializable(typeof(NamespaceList))]
[JsonSerializable(typeof(WatchBatch))]
[JsonSerializable(typeof(ClientList))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(GrayBody))]
[JsonSerializable(typeof(GrayEndBody))]
[JsonSerializable(typeof(GrayStatus))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(TokenList))]
[JsonSerializable(typeof(string))]
public sealed partial class ConfigJsonContext : JsonSerializerContext;

/// <summary>One watcher connected to this node.</summary>
/// <param name="Client">The id it gave.</param>
/// <param name="Host">The host it gave.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Ns">The namespace it watches.</param>
/// <param name="Prefix">The key prefix it watches, if any.</param>
/// <param name="Revision">The revision it has been sent everything up to.</param>
/// <param name="Behind">True when the namespace has a release it has not been sent yet.</param>
/// <param name="Connected">When its watch began.</param>
public sealed record ClientView(string Client, string Host, IReadOnlyDictionary<string, string> Labels, string Ns, string? Prefix, long Revision, bool Behind, DateTimeOffset Connected);

/// <summary>The answer of <c>GET /v1/config/clients</c>.</summary>
/// <param name="Clients">By namespace, then client id.</param>
/// <param name="Namespaces">For each namespace watched here, how its newest release reached the watchers.</param>
public sealed record ClientList(IReadOnlyList<ClientView> Clients, IReadOnlyList<NamespaceClients> Namespaces);

/// <summary>How a namespace's newest release reached the watchers connected to this node.</summary>
/// <param name="Ns">The namespace.</param>
/// <param name="Revision">Its newest release.</param>
/// <param name="Published">When that release was published.</param>
/// <param name="Clients">Watchers of it connected here.</param>
/// <param name="Behind">Watchers not yet sent it.</param>
/// <param name="ReachedAllMs">From its publish to the last watcher being sent it; null while one is behind (or connected after it).</param>
public sealed record NamespaceClients(string Ns, long Revision, DateTimeOffset Published, int Clients, int Behind, double? ReachedAllMs);

/// <summary>Body of <c>POST /v1/config/tokens</c>.</summary>
/// <param name="Name">The token's name (a key: letters, digits, <c>. _ - : /</c>).</param>
/// <param name="Scopes">Its grants: <c>read:PREFIX</c>, <c>write:PREFIX</c>, <c>publish:PREFIX</c>.</param>
/// <param name="Author">Who makes it.</param>
public sealed record TokenBody(string? Name, IReadOnlyList<string>? Scopes, string? Author);

/// <summary>The answer of <c>POST /v1/config/tokens</c>: the secret, shown this once.</summary>
/// <param name="Name">The token's name.</param>
/// <param name="Token">The secret to send as <c>Authorization: Bearer …</c>; only its hash is kept.</param>
/// <param name="Scopes">Its grants.</param>
/// <param name="Created">When.</param>
public sealed record TokenCreated(string Name, string Token, IReadOnlyList<string> Scopes, DateTimeOffset Created);

/// <summary>A token as listed: never its secret.</summary>
/// <param name="Name">The token's name.</param>
/// <param name="Scopes">Its grants.</param>
/// <param name="Created">When.</param>
/// <param name="Author">Who made it.</param>
public sealed record TokenView(string Name, IReadOnlyList<string> Scopes, DateTimeOffset Created, string Author);

/// <summary>The answer of <c>GET /v1/config/tokens</c>.</summary>
/// <param name="Tokens">By name.</param>
public sealed record TokenList(IReadOnlyList<TokenView> Tokens);
