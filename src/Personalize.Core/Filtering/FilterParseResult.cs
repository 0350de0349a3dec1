using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Filtering;

/// <summary>The result of <see cref="FilterText.Parse"/>: the filter, or the reason the text is not one.</summary>
/// <remarks>
/// <para>Parsing never throws; check <see cref="Success"/> (or use <see cref="TryGetValue"/>) and read <see cref="Value"/> or
/// <see cref="Error"/>. The exception in <see cref="Error"/> is created on first use, as creating exceptions is relatively slow.</para>
/// <para>Immutable and safe to share between threads.</para>
/// </remarks>
public sealed class FilterParseResult
{
    private readonly Filter? _value;
    private readonly string _text;
    private readonly int _position;
    private readonly FilterErrorCode _errorCode;
    private readonly string? _reason;
    private FilterSyntaxException? _error;

    private FilterParseResult(Filter? value, string text, int position, FilterErrorCode errorCode, string? reason)
    {
        _value = value;
        _text = text;
        _position = position;
        _errorCode = errorCode;
        _reason = reason;
    }

    /// <summary>Gets whether the text was a valid filter.</summary>
    [MemberNotNullWhen(true, nameof(_value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => _value is not null;

    /// <summary>Gets the parsed filter.</summary>
    /// <exception cref="FilterSyntaxException">The text was not a valid filter; the exception is <see cref="Error"/>.</exception>
    public Filter Value => _value ?? throw Error!;

    /// <summary>Gets why the text is not a valid filter, with its position; <see langword="null"/> when <see cref="Success"/> is <see langword="true"/>.</summary>
    public FilterSyntaxException? Error
    {
        get
        {
            if (_value is not null)
            {
                return null;
            }

            if (_error is null)
            {
                Interlocked.CompareExchange(ref _error, new FilterSyntaxException(_text, _position, _errorCode, _reason!), null);
            }

            return _error;
        }
    }

    /// <summary>Gets the filter when the text was valid.</summary>
    /// <param name="value">The filter, or <see langword="null"/> when the text was not valid.</param>
    /// <returns><see langword="true"/> when the text was valid.</returns>
    public bool TryGetValue([NotNullWhen(true)] out Filter? value)
    {
        value = _value;
        return value is not null;
    }

    internal static FilterParseResult ForValue(Filter value) => new(value, "", 0, default, null);

    internal static FilterParseResult ForError(string text, int position, FilterErrorCode errorCode, string reason) =>
        new(null, text, position, errorCode, reason);
}
