namespace DistKit.Search.Engine;

/// <summary>A field's type in a mapping, as Elasticsearch names them.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are Elasticsearch's mapping types, which users write in mappings.")]
public enum MappingType
{
    /// <summary>Analyzed full text, for search.</summary>
    Text,

    /// <summary>An exact value, for filters, sorting and aggregations.</summary>
    Keyword,

    /// <summary>A 64-bit whole number.</summary>
    Long,

    /// <summary>A 32-bit whole number.</summary>
    Integer,

    /// <summary>A floating-point number.</summary>
    Double,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A point in time: ISO 8601 text or epoch milliseconds.</summary>
    Date,
}

/// <summary>How one field (a dotted path: <c>customer.city</c>) is indexed.</summary>
/// <param name="Type">Its type.</param>
/// <param name="Analyzer">For text: the analyzer (<c>standard</c> when null).</param>
public sealed record FieldMapping(MappingType Type, string? Analyzer = null)
{
    /// <summary>The Elasticsearch name of <see cref="Type"/>.</summary>
    public string TypeName => Type.ToString().ToLowerInvariant();

    /// <summary>Reads an Elasticsearch type name; null for one this engine does not index.</summary>
    public static MappingType? TypeOf(string name) => name switch
    {
        "text" => MappingType.Text,
        "keyword" => MappingType.Keyword,
        "long" => MappingType.Long,
        "integer" => MappingType.Integer,
        "double" or "float" => MappingType.Double,
        "boolean" => MappingType.Boolean,
        "date" => MappingType.Date,
        _ => null,
    };
}

/// <summary>An index's shape: shards, refresh interval and field mappings.</summary>
public sealed record IndexDefinition
{
    /// <summary>The most shards an index may have.</summary>
    public const int MaxShards = 64;

    /// <summary>Shards: separate indices a search fans out to in parallel. Default 1.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>How often writes become searchable. Default 1 s.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The fields known before any document, by dotted path.</summary>
    public IReadOnlyDictionary<string, FieldMapping> Mappings { get; init; } = new Dictionary<string, FieldMapping>();

    /// <summary>Throws <see cref="SearchException"/> (<c>illegal_argument_exception</c>) when a setting is out of range.</summary>
    public void Validate()
    {
        if (Shards is < 1 or > MaxShards)
        {
            throw SearchException.IllegalArgument($"Failed to parse value [{Shards}] for setting [index.number_of_shards] must be between 1 and {MaxShards}");
        }

        // A timer runs at most 2^32 - 2 ms ahead (about 49 days).
        if (RefreshInterval > TimeSpan.FromMilliseconds(uint.MaxValue - 1))
        {
            throw SearchException.IllegalArgument($"[index.refresh_interval] must be at most {uint.MaxValue - 1}ms, got {RefreshInterval.TotalMilliseconds}ms");
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(100) && RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            throw SearchException.IllegalArgument($"[index.refresh_interval] must be at least 100ms or -1, got {RefreshInterval.TotalMilliseconds}ms");
        }
    }
}
