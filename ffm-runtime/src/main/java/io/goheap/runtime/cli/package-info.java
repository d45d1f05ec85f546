/**
 * The {@code goheap} command line (picocli): {@code layout} and {@code demo}. Bad input is one line on
 * stderr ({@code goheap: ...}) and exit code 1; a usage error is picocli's message and exit code 2.
 */
package io.goheap.runtime.cli;
