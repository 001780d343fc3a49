export async function steady(_a: string[]): Promise<number> { return 1; }
