package dev.es.common;

/** The JSON body of every error answer: {@code {"error": "…"}}, one line a person can read. */
public record ErrorBody(String error) {}
