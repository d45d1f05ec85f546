/**
 * goheap: one simulated Go 1.19 linux/amd64 process in native memory that this JVM mapped itself.
 * {@link io.goheap.runtime.GoRuntime} is the one entry point; it owns every mapping and unmaps all of
 * them on close.
 *
 * <h2 id="properties">System properties</h2>
 * Every property goheap reads, in one table:
 * <table>
 *   <caption>goheap system properties</caption>
 *   <tr><th>property</th><th>default</th><th>effect</th></tr>
 *   <tr><td>{@code goheap.debug}</td><td>false</td><td>the CLI prints the stack trace after its one-line error</td></tr>
 *   <tr><td>{@code goheap.native.dir}</td><td>{@code ../native}</td><td>tests only: where native/ (headers, fixtures) is</td></tr>
 *   <tr><td>{@code goheap.test.closeRaceRounds}</td><td>200</td><td>tests only: rounds of the close-versus-access race</td></tr>
 * </table>
 */
package io.goheap.runtime;
