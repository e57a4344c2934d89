/** The book's car factory: a caller asks for a kind of car and gets a ready one, not how to build it. */
export interface Car {
  BeepBeep(): string;
}

export class BMW implements Car {
  constructor(readonly heatedSeatSubscriptionEnabled: boolean) {}
  BeepBeep(): string {
    return 'beep beep (BMW)';
  }
}

export class Tesla implements Car {
  constructor(readonly autoPilotEnabled: boolean) {}
  BeepBeep(): string {
    return 'beep beep (Tesla)';
  }
}

/** Creates, and does nothing else (no I/O, no saving): "bmw" or "tesla", else "unknown car type". */
export function BuildCar(carType: string): Car {
  switch (carType) {
    case 'bmw':
      return new BMW(true);
    case 'tesla':
      return new Tesla(true);
    default:
      throw new Error('unknown car type');
  }
}
