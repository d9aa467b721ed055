package dev.aligned.server.milter;

/**
 * Where the milter records each evaluation (for aggregate reports). Called on the connection's thread after
 * the reply is decided; it should be quick (queue the record) and must not throw: what it throws is logged and
 * dropped, the message is not affected.
 */
@FunctionalInterface
public interface EvaluationSink {
    /** Discards every evaluation. */
    EvaluationSink NONE = e -> { };

    /** Records one evaluation. */
    void record(MilterEvaluation evaluation);
}
