namespace SharpGrad.NN;

/// <summary>
/// A module that draws random numbers while it runs (dropout masks), from the generator it was given: a training checkpoint
/// saves that generator's state so that a resumed run draws the same masks.
/// </summary>
internal interface IUsesGenerator
{
    /// <summary>The generator the module draws from while running (null: the thread's default generator).</summary>
    Generator? RunGenerator { get; }
}
