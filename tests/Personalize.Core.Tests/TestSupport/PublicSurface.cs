using System.Reflection;
using System.Text;

namespace Personalize.Core.Tests.TestSupport;

/// <summary>
/// The public-surface checks every package's tests run (linked into each test project): public classes are sealed or static, and the
/// public members match the checked-in list <c>tests/&lt;project&gt;/Api/PublicApi.txt</c>. After an intended change, regenerate the
/// list with <c>PERSONALIZE_UPDATE_API=1 dotnet test tests/&lt;project&gt;</c> and review the diff.
/// </summary>
internal static class PublicSurface
{
    /// <summary>Asserts that every public class of the assembly is sealed or static.</summary>
    public static void AssertClassesSealedOrStatic(Assembly assembly)
    {
        var open = assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed) && !typeof(Delegate).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(open.Count == 0, "Public classes that are neither sealed nor static: " + string.Join(", ", open));
    }

    /// <summary>Asserts that the assembly's public members match the test project's checked-in list (rewriting it first when
    /// <c>PERSONALIZE_UPDATE_API=1</c>). A test project that covers several packages keeps one list per package (<paramref name="listName"/>).</summary>
    public static void AssertMatchesCheckedInList(Assembly assembly, string testProject, string listName = "PublicApi.txt")
    {
        string actual = Describe(assembly);
        string path = Path.Combine(SourceFolder(testProject), listName);
        if (Environment.GetEnvironmentVariable("PERSONALIZE_UPDATE_API") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"The checked-in list {path} is missing.");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        var missing = expected.Split('\n').Except(actual.Split('\n')).Where(l => l.Length > 0).ToList();
        var added = actual.Split('\n').Except(expected.Split('\n')).Where(l => l.Length > 0).ToList();
        Assert.True(missing.Count == 0 && added.Count == 0,
            $"The public API changed. Removed:\n  {string.Join("\n  ", missing)}\nAdded:\n  {string.Join("\n  ", added)}\n"
            + $"If intended, run PERSONALIZE_UPDATE_API=1 dotnet test tests/{testProject} and commit tests/{testProject}/Api/{listName}.");
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
            lines.Add($"{kind} {type.FullName}");
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(Flags))
            {
                if (member is MethodInfo { IsSpecialName: true } || member is Type)
                {
                    continue;
                }

                if (type.IsEnum && member is FieldInfo { IsSpecialName: true })
                {
                    continue;
                }

                lines.Add($"  {type.FullName}::{Signature(member)}");
            }
        }

        var sorted = lines.Where(l => !l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        var builder = new StringBuilder();
        foreach (string typeLine in sorted)
        {
            builder.Append(typeLine).Append('\n');
            string name = typeLine[(typeLine.LastIndexOf(' ') + 1)..];
            foreach (string memberLine in lines.Where(l => l.StartsWith("  " + name + "::", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                builder.Append(memberLine).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string Signature(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c.GetParameters())})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{TypeName(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(",", m.GetGenericArguments().Select(a => a.Name)) + ">" : "")}({Parameters(m.GetParameters())})",
        PropertyInfo p => $"{TypeName(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{TypeName(f.FieldType)} {f.Name}",
        EventInfo e => $"event {TypeName(e.EventHandlerType!)} {e.Name}",
        _ => member.ToString() ?? member.Name,
    };

    private static string Parameters(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "") + TypeName(p.ParameterType) + " " + p.Name
            + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")));

    private static string TypeName(Type type)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            string name = type.Name[..type.Name.IndexOf('`')];
            return $"{type.Namespace}.{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
        }

        return type.FullName ?? type.Name;
    }

    /// <summary>The test project's Api folder, found from the test binaries upwards (CI builds map source paths, so the compiler's file
    /// path cannot be used).</summary>
    private static string SourceFolder(string testProject)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Personalize.Core.sln")))
            {
                return Path.Combine(folder.FullName, "tests", testProject, "Api");
            }
        }

        throw new InvalidOperationException($"No Personalize.Core.sln above {AppContext.BaseDirectory}.");
    }
}
