using System.Reflection;
using System.Text;

namespace DistKit.Packaging.Tests;

/// <summary>
/// The public surface of an assembly as sorted lines of text: every type a user can name, and its
/// public and protected members with their signatures. Checked in under <c>eng/api/</c>, so a change
/// to a package's API shows in review as a change to that file.
/// </summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Of(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var name = Name(type);
            lines.Add($"{name}: {Kind(type)}{Bases(type)}");
            if (type.IsEnum)
            {
                lines.AddRange(Enum.GetNames(type).Select(v => $"{name}.{v}"));
                continue;
            }

            if (typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }

            foreach (var member in type.GetMembers(Declared).Where(Visible))
            {
                if (Describe(member) is { } text)
                {
                    lines.Add($"{name}.{text}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + '\n';
    }

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo { IsPublic: true } or ConstructorInfo { IsFamily: true },
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{(m.IsAbstract ? "abstract " : m.IsVirtual && !m.IsFinal && m.GetBaseDefinition() == m ? "virtual " : "")}{m.Name}{Generics(m)}({Parameters(m)}) -> {Name(m.ReturnType)}",
        PropertyInfo p => $"{p.Name} {{ {Accessors(p)}}} -> {Name(p.PropertyType)}",
        FieldInfo { IsLiteral: true } f => $"const {f.Name} = {Literal(f.GetRawConstantValue())} -> {Name(f.FieldType)}",
        FieldInfo f => $"{(f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{f.Name} -> {Name(f.FieldType)}",
        EventInfo e => $"event {e.Name} -> {Name(e.EventHandlerType!)}",
        _ => null,
    };

    private static string Accessors(PropertyInfo p)
    {
        var text = new StringBuilder();
        if (p.GetMethod is { } get && (get.IsPublic || get.IsFamily))
        {
            text.Append(get.IsStatic ? "static get; " : "get; ");
        }

        if (p.SetMethod is { } set && (set.IsPublic || set.IsFamily))
        {
            var init = set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit");
            text.Append(init ? "init; " : "set; ");
        }

        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum"
        : type.IsInterface ? "interface"
        : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
        : type.IsValueType ? (type.GetMethod("<Clone>$") is not null || type.GetProperty("EqualityContract", Declared) is not null ? "record struct" : "struct")
        : type.IsAbstract && type.IsSealed ? "static class"
        : (type.GetMethod("<Clone>$") is not null ? "record" : "class") + (type.IsSealed ? " sealed" : type.IsAbstract ? " abstract" : "");

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !typeof(Delegate).IsAssignableFrom(type))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + Literal(p.DefaultValue) : "")}"));

    private static string Generics(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is { } ns ? ns + "." : "") + type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return type.IsGenericType ? $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>" : name;
    }
}
