using System.Text.Json.Serialization;

namespace DistKit.Sqlite.Internal;

/// <summary>JSON made at build time: lists of ids go to SQLite as one JSON array parameter (read back with json_each).</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SqliteJson : JsonSerializerContext;
