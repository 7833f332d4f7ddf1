using System.CommandLine;
using DistKit.Cli.Conventions;
using DistKit.Configuration;

namespace DistKit.Cli.Commands;

/// <summary>
/// <c>--value</c>, <c>--file</c> and (for values) <c>--type</c>, as every config command that takes a
/// value reads them: exactly one of the first two, the file byte for byte (<c>-</c> for stdin), the
/// type from the option or else the file's extension.
/// </summary>
internal sealed class ConfigValueInput
{
    private readonly Option<string?> _value;
    private readonly Option<string?> _file;
    private readonly Option<string>? _type;

    public ConfigValueInput(string what, bool typed)
    {
        _value = new Option<string?>("--value") { Description = $"The {what}, as text" };
        _file = new Option<string?>("--file") { Description = $"Read the {what} from this file (- for stdin), byte for byte" };
        _type = typed ? new Option<string>("--type") { Description = "json, yaml, properties or text (default: from --file's extension, else text)" } : null;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_value);
        command.Options.Add(_file);
        if (_type is not null)
        {
            command.Options.Add(_type);
        }
    }

    public async Task<(string Text, ConfigValueType Type)> ReadAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var value = parseResult.GetValue(_value);
        var file = parseResult.GetValue(_file);
        if ((value is null) == (file is null))
        {
            throw new CliException(ExitCodes.Usage, "give exactly one of --value and --file");
        }

        string text;
        try
        {
            text = value ?? (file == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(file!, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.DataError, $"--file: cannot read '{file}': {e.Message}");
        }

        return (text, TypeOf(_type is null ? null : parseResult.GetValue(_type), file));
    }

    private static ConfigValueType TypeOf(string? type, string? file)
    {
        if (type is not null)
        {
            return ConfigValueTypes.TryParse(type, out var parsed)
                ? parsed
                : throw new CliException(ExitCodes.Usage, $"--type: '{type}' is not one of json, yaml, properties, text");
        }

        return Path.GetExtension(file ?? "").ToLowerInvariant() switch
        {
            ".json" => ConfigValueType.Json,
            ".yaml" or ".yml" => ConfigValueType.Yaml,
            ".properties" => ConfigValueType.Properties,
            _ => ConfigValueType.Text,
        };
    }
}
